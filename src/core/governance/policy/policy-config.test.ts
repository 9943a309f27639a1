import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  dataClassRequirements,
  globalPolicySchema,
  policyConfigField,
  sensitiveKindClasses,
  workloadPolicyFields,
  workloadPolicySchema,
} from './policy-config.js';

const issuePaths = (result: z.ZodSafeParseResult<unknown>) => (result.success ? [] : result.error.issues.map((issue) => issue.path.join('.')));

describe('workload policy schema', () => {
  it('defaults to internal, no detection, raise', () => {
    expect(workloadPolicySchema.parse({})).toEqual({ data_class: 'internal', detect_sensitive: false, on_sensitive: 'raise' });
  });

  it('parses requirements, lower-casing regions and certifications, and use with commercial by default', () => {
    const parsed = workloadPolicySchema.parse({
      data_class: 'confidential',
      require: { self_hosted: true, regions: ['EU', ' us-east '], certifications: ['SOC2'] },
      use: { monthly_active_users: 5000 },
      detect_sensitive: true,
      on_sensitive: 'refuse',
    });
    expect(parsed.require).toEqual({ self_hosted: true, regions: ['eu', 'us-east'], certifications: ['soc2'] });
    expect(parsed.use).toEqual({ commercial: true, monthly_active_users: 5000 });
  });

  it('rejects unknown keys, classes and modes, naming the path', () => {
    expect(issuePaths(workloadPolicySchema.safeParse({ data_class: 'secret' }))).toEqual(['data_class']);
    expect(issuePaths(workloadPolicySchema.safeParse({ require: { self_hosted: true, zero_retension: true } }))).toEqual(['require']);
    expect(issuePaths(workloadPolicySchema.safeParse({ require: { regions: [] } }))).toEqual(['require.regions']);
    expect(issuePaths(workloadPolicySchema.safeParse({ on_sensitive: 'block' }))).toEqual(['on_sensitive']);
    expect(issuePaths(workloadPolicySchema.safeParse({ use: { commercial: 'yes' } }))).toEqual(['use.commercial']);
  });

  it('mounts as an optional workload field', () => {
    const workload = z.object({ ...workloadPolicyFields }).strict();
    expect(workload.parse({})).toEqual({});
    expect(workload.parse({ policy: { data_class: 'restricted' } }).policy?.data_class).toBe('restricted');
  });
});

describe('global policy schema', () => {
  it('defaults to the shipped minimums: restricted ⇒ self-hosted, confidential ⇒ zero retention + no training', () => {
    const requirements = dataClassRequirements(policyConfigField.parse(undefined));
    expect(requirements).toEqual({
      public: {},
      internal: {},
      confidential: { zero_retention: true, no_training: true },
      restricted: { self_hosted: true },
    });
  });

  it('overrides the defaults key by key, so lifting one requirement is explicit', () => {
    const parsed = globalPolicySchema.parse({
      data_classes: {
        restricted: { require: { regions: ['eu'] } },
        confidential: { require: { no_training: false } },
        internal: { require: { certifications: ['soc2'] } },
      },
    });
    const requirements = dataClassRequirements(parsed);
    expect(requirements.restricted).toEqual({ self_hosted: true, regions: ['eu'] });
    expect(requirements.confidential).toEqual({ zero_retention: true, no_training: false });
    expect(requirements.internal).toEqual({ certifications: ['soc2'] });
  });

  it('maps kinds to classes over the defaults, and rejects unknown kinds', () => {
    const parsed = globalPolicySchema.parse({ sensitive_data: { kinds: { email: 'restricted', ip: 'confidential' } } });
    expect(sensitiveKindClasses(parsed)).toEqual({
      email: 'restricted',
      phone: 'confidential',
      card: 'restricted',
      iban: 'restricted',
      national_id: 'restricted',
      secret: 'restricted',
      ip: 'confidential',
    });
    expect(issuePaths(globalPolicySchema.safeParse({ sensitive_data: { kinds: { passport: 'restricted' } } }))).toEqual(['sensitive_data.kinds']);
    expect(issuePaths(globalPolicySchema.safeParse({ data_classes: { secret: {} } }))).toEqual(['data_classes']);
  });
});
