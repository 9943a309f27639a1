import { z } from 'zod';
import { DATA_CLASSES, type DataClass } from '../deployment-facts.js';
import { SENSITIVE_DATA_KINDS, type SensitiveDataKind } from './sensitive-data-kinds.js';

export const dataClassSchema = z.enum(DATA_CLASSES);

/** Lower-cased and trimmed, so `EU` in config matches `eu-west-1` in the registry. */
const lowerCaseName = z.string().trim().toLowerCase().min(1);

/**
 * What a deployment must offer to receive a request. Every key set to `true` (or listed) must hold;
 * `false` or absent asks nothing. An unknown fact fails a requirement (unknown retention is not zero
 * retention, unknown regions are not in the EU): the policy fails closed.
 */
export const policyRequirementsSchema = z
  .object({
    /** Only deployments on infrastructure the team controls (vLLM, Ollama, … or declared self-hosted). */
    self_hosted: z.boolean().optional(),
    /** Only deployments whose provider keeps prompts and answers zero days. */
    zero_retention: z.boolean().optional(),
    /** Only deployments whose provider does not train on prompts. */
    no_training: z.boolean().optional(),
    /** Only models with published weights. */
    open_weights: z.boolean().optional(),
    /**
     * Allowed regions. Every region a deployment declares must fall inside one of these, matched by
     * prefix at a `-`/`_` boundary: `eu` allows `eu-west-1` and `eu`, not `europe-west4` (list it too).
     */
    regions: z.array(lowerCaseName).min(1, 'list at least one region, or leave `regions` out').optional(),
    /** Certifications the service must hold, all of them (`soc2`, `hipaa`, `iso27001`, …). */
    certifications: z.array(lowerCaseName).optional(),
  })
  .strict();

/**
 * How the workload's output is used, for the registry's licence checks (commercial use, user-count
 * thresholds such as the Llama community licence's 700M monthly active users).
 */
export const workloadUseSchema = z
  .object({
    /** Commercial use. Defaults to true: the stricter assumption for licence checks. */
    commercial: z.boolean().default(true),
    /** Monthly active users of the product the workload serves. */
    monthly_active_users: z.number().int().nonnegative().optional(),
  })
  .strict();

/**
 * `workloads.<name>.policy`: the workload's data class and requirements. Enforced before routing:
 * no primary, fallback, hedge, cascade step or judge call reaches a deployment that breaks it.
 */
export const workloadPolicySchema = z
  .object({
    /** How sensitive this workload's data is; requests can only be raised from it, never lowered. */
    data_class: dataClassSchema.default('internal'),
    /** The workload's own requirements, on top of its data class's (`policy.data_classes`). */
    require: policyRequirementsSchema.optional(),
    /** Declared use, read by `switchyard registry check` against licence terms. */
    use: workloadUseSchema.optional(),
    /** Scan each request for personal data and secrets, raising its data class by `policy.sensitive_data.kinds`. */
    detect_sensitive: z.boolean().default(false),
    /** When sensitive data would raise the class: `raise` it (and restrict deployments) or `refuse` the request. */
    on_sensitive: z.enum(['raise', 'refuse']).default('raise'),
  })
  .strict();

export const dataClassPolicySchema = z
  .object({
    /** Requirements of every request of this class (and of more sensitive classes). */
    require: policyRequirementsSchema.prefault({}),
  })
  .strict();

/**
 * Data class requirements. Each class inherits the requirements of the classes below it (a
 * restricted request also meets confidential's). Keys given here override the defaults key by key:
 * set `self_hosted: false` to lift the restricted default.
 */
export const dataClassesPolicySchema = z
  .object({
    public: dataClassPolicySchema.optional(),
    internal: dataClassPolicySchema.optional(),
    confidential: dataClassPolicySchema.optional(),
    restricted: dataClassPolicySchema.optional(),
  })
  .strict();

/**
 * Which data class each kind of finding raises a request to. Defaults: email and phone →
 * confidential; card, iban, national_id (SSN, NI number, INSEE, Steuer-IdNr, DNI/NIE, Aadhaar) and
 * secret → restricted; ip → public (not detected). `public` turns a kind off.
 */
export const sensitiveDataKindsSchema = z
  .object(Object.fromEntries(SENSITIVE_DATA_KINDS.map((kind) => [kind, dataClassSchema.optional()])) as Record<
    SensitiveDataKind,
    z.ZodOptional<typeof dataClassSchema>
  >)
  .strict();

/** Top-level `policy`: data class minimums and the sensitive-data classification. */
export const globalPolicySchema = z
  .object({
    data_classes: dataClassesPolicySchema.prefault({}),
    sensitive_data: z
      .object({ kinds: sensitiveDataKindsSchema.prefault({}) })
      .strict()
      .prefault({}),
  })
  .strict();

/** Mount in the workload schema: `...workloadPolicyFields`. */
export const workloadPolicyFields = {
  policy: workloadPolicySchema.optional(),
};

/** Mount at the top level of the config: `policy: policyConfigField`. */
export const policyConfigField = globalPolicySchema.prefault({});

export type PolicyRequirements = z.output<typeof policyRequirementsSchema>;
export type WorkloadUse = z.output<typeof workloadUseSchema>;
export type WorkloadPolicyConfig = z.output<typeof workloadPolicySchema>;
export type RawWorkloadPolicyConfig = z.input<typeof workloadPolicySchema>;
export type GlobalPolicyConfig = z.output<typeof globalPolicySchema>;
export type RawGlobalPolicyConfig = z.input<typeof globalPolicySchema>;

/** Shipped minimums: restricted data stays on our infrastructure; confidential data is not kept or trained on. */
export const DEFAULT_DATA_CLASS_REQUIREMENTS: Readonly<Record<DataClass, PolicyRequirements>> = {
  public: {},
  internal: {},
  confidential: { zero_retention: true, no_training: true },
  restricted: { self_hosted: true },
};

export const DEFAULT_SENSITIVE_KIND_CLASSES: Readonly<Record<SensitiveDataKind, DataClass>> = {
  email: 'confidential',
  phone: 'confidential',
  card: 'restricted',
  iban: 'restricted',
  national_id: 'restricted',
  secret: 'restricted',
  ip: 'public',
};

/** The data class requirements in force: the defaults, overridden key by key by the config. */
export function dataClassRequirements(global: GlobalPolicyConfig | undefined): Record<DataClass, PolicyRequirements> {
  const result = {} as Record<DataClass, PolicyRequirements>;
  for (const dataClass of DATA_CLASSES) {
    const configured = global?.data_classes[dataClass]?.require ?? {};
    const merged: PolicyRequirements = { ...DEFAULT_DATA_CLASS_REQUIREMENTS[dataClass] };
    for (const [key, value] of Object.entries(configured) as Array<[keyof PolicyRequirements, unknown]>) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    result[dataClass] = merged;
  }
  return result;
}

/** The class each kind raises a request to: the defaults, overridden by `policy.sensitive_data.kinds`. */
export function sensitiveKindClasses(global: GlobalPolicyConfig | undefined): Record<SensitiveDataKind, DataClass> {
  const result = { ...DEFAULT_SENSITIVE_KIND_CLASSES };
  for (const kind of SENSITIVE_DATA_KINDS) {
    const configured = global?.sensitive_data.kinds[kind];
    if (configured !== undefined) result[kind] = configured;
  }
  return result;
}
