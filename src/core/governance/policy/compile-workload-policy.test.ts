import { describe, expect, it } from 'vitest';
import type { ChatCall } from '../../../spec/chat-call.js';
import { GatewayError } from '../../../spec/errors.js';
import type { DataClass, DeploymentFacts } from '../deployment-facts.js';
import { compileWorkloadPolicy } from './compile-workload-policy.js';
import { globalPolicySchema, workloadPolicySchema, type RawGlobalPolicyConfig, type RawWorkloadPolicyConfig } from './policy-config.js';
import { regionWithin } from './policy-constraints.js';
import { PolicyRefusedError } from './policy-refused-error.js';

const facts = (id: string, overrides: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
  id,
  model: id.split('/')[1] ?? id,
  provider: id.split('/')[0] ?? id,
  providerType: 'openai',
  selfHosted: false,
  openWeights: false,
  regions: [],
  certifications: [],
  lifecycle: 'approved',
  ...overrides,
});

const openai = facts('openai/gpt-4o', { retentionDays: 30, usedForTraining: false, regions: ['us'], certifications: ['soc2'] });
const anthropicZdr = facts('anthropic/claude', { providerType: 'anthropic', retentionDays: 0, usedForTraining: false, regions: ['us', 'eu-west-1'], certifications: ['soc2', 'hipaa'] });
const azureEu = facts('azure/gpt-4o', { retentionDays: 0, usedForTraining: false, regions: ['eu-west-1', 'eu-central-1'], certifications: ['soc2', 'iso27001'] });
const vllm = facts('vllm/llama', { providerType: 'vllm', selfHosted: true, openWeights: true, retentionDays: 0, usedForTraining: false, regions: ['eu-west-1'] });
const retiredVllm = facts('vllm/old-llama', { providerType: 'vllm', selfHosted: true, openWeights: true, retentionDays: 0, usedForTraining: false, lifecycle: 'retired' });
const unknownTerms = facts('other/model');
const fleet = [openai, anthropicZdr, azureEu, vllm, retiredVllm, unknownTerms];

const compile = (workload: RawWorkloadPolicyConfig = {}, global: RawGlobalPolicyConfig = {}) =>
  compileWorkloadPolicy(workloadPolicySchema.parse(workload), globalPolicySchema.parse(global), { workload: 'support', deployments: fleet });

const permitted = (workload: RawWorkloadPolicyConfig, dataClass: DataClass, global: RawGlobalPolicyConfig = {}) =>
  [...compile(workload, global).permittedDeployments(dataClass)].sort();

const userCall = (text: string): ChatCall => ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

describe('requirements against deployment facts', () => {
  it.each<[string, RawWorkloadPolicyConfig['require'], string[], Record<string, string>]>([
    ['self_hosted', { self_hosted: true }, ['vllm/llama'], { 'openai/gpt-4o': 'not self-hosted' }],
    ['zero_retention', { zero_retention: true }, ['anthropic/claude', 'azure/gpt-4o', 'vllm/llama'], { 'openai/gpt-4o': 'retains data 30 days', 'other/model': 'retention unknown' }],
    ['no_training', { no_training: true }, ['anthropic/claude', 'azure/gpt-4o', 'openai/gpt-4o', 'vllm/llama'], { 'other/model': 'training use unknown' }],
    ['open_weights', { open_weights: true }, ['vllm/llama'], { 'azure/gpt-4o': 'closed weights' }],
    ['regions', { regions: ['eu'] }, ['azure/gpt-4o', 'vllm/llama'], { 'anthropic/claude': 'runs in us', 'other/model': 'regions unknown' }],
    ['certifications', { certifications: ['soc2', 'hipaa'] }, ['anthropic/claude'], { 'azure/gpt-4o': 'lacks hipaa', 'vllm/llama': 'lacks soc2, hipaa' }],
  ])('require.%s passes and fails the right deployments', (key, require, expected, reasons) => {
    const policy = compile({ data_class: 'public', require });
    expect([...policy.permittedDeployments('public')].sort()).toEqual(expected);
    for (const [deployment, reason] of Object.entries(reasons)) {
      expect(policy.denial(deployment, 'public')).toEqual({ deployment, rule: `require.${key}`, reason });
      const candidate = fleet.find((entry) => entry.id === deployment)!;
      expect(policy.evaluate(candidate, 'public')).toEqual({ allowed: false, rule: `require.${key}`, reason });
    }
  });

  it('never permits a retired deployment, even without requirements', () => {
    const policy = compile({ data_class: 'public' });
    expect(policy.permittedDeployments('public').has('vllm/old-llama')).toBe(false);
    expect(policy.evaluate(retiredVllm, 'public')).toEqual({ allowed: false, rule: 'lifecycle.retired', reason: 'retired' });
    expect(policy.evaluate({ ...vllm, lifecycle: 'deprecated' }, 'public')).toEqual({ allowed: true });
  });

  it('does not permit a deployment the registry does not know', () => {
    const policy = compile();
    expect(policy.denial('mystery/model', 'internal')).toEqual({ deployment: 'mystery/model', rule: 'registry.unknown_deployment', reason: 'not in the registry' });
  });

  it('evaluates facts outside the compiled fleet afresh', () => {
    const policy = compile({ require: { self_hosted: true } });
    expect(policy.evaluate(facts('ollama/qwen', { selfHosted: true }), 'internal')).toEqual({ allowed: true });
    expect(policy.evaluate({ ...vllm, selfHosted: false }, 'internal')).toMatchObject({ allowed: false, rule: 'require.self_hosted' });
  });

  it('matches regions by prefix at a boundary', () => {
    expect(regionWithin('eu-west-1', 'eu')).toBe(true);
    expect(regionWithin('eu', 'eu')).toBe(true);
    expect(regionWithin('europe-west4', 'eu')).toBe(false);
    expect(regionWithin('eu-west-1', 'eu-')).toBe(true);
    expect(regionWithin('us-east-1', 'eu')).toBe(false);
    // Every region a deployment declares must be allowed: anthropic runs in us and eu-west-1.
    expect(permitted({ data_class: 'public', require: { regions: ['eu', 'us'] } }, 'public')).toContain('anthropic/claude');
    expect(permitted({ data_class: 'public', require: { regions: ['eu-west'] } }, 'public')).toEqual(['vllm/llama']);
  });
});

describe('data classes', () => {
  it('applies the class defaults: internal is open, confidential needs zero retention + no training, restricted self-hosting', () => {
    expect(permitted({}, 'internal')).toEqual(['anthropic/claude', 'azure/gpt-4o', 'openai/gpt-4o', 'other/model', 'vllm/llama']);
    expect(permitted({}, 'confidential')).toEqual(['anthropic/claude', 'azure/gpt-4o', 'vllm/llama']);
    expect(permitted({}, 'restricted')).toEqual(['vllm/llama']);
    expect(compile().denial('openai/gpt-4o', 'restricted')?.rule).toBe('data_class.restricted.self_hosted');
    // Restricted inherits confidential's requirements.
    expect(compile().evaluate(facts('box/model', { selfHosted: true }), 'restricted')).toMatchObject({ rule: 'data_class.confidential.zero_retention' });
  });

  it('takes the union of the workload and class requirements', () => {
    const policy = compile({ data_class: 'confidential', require: { regions: ['eu'] } });
    expect([...policy.permittedDeployments('confidential')].sort()).toEqual(['azure/gpt-4o', 'vllm/llama']);
    expect(policy.denial('anthropic/claude', 'confidential')).toMatchObject({ rule: 'require.regions' });
    expect(policy.denial('openai/gpt-4o', 'confidential')).toMatchObject({ rule: 'data_class.confidential.zero_retention' });
    // Raised to restricted, both apply: self-hosted and in the EU.
    expect([...policy.permittedDeployments('restricted')]).toEqual(['vllm/llama']);
    const certified = compile({ require: { certifications: ['soc2'] } }, { data_classes: { internal: { require: { certifications: ['iso27001'] } } } });
    expect([...certified.permittedDeployments('internal')]).toEqual(['azure/gpt-4o']);
  });

  it('uses configured class requirements, including lifting a default', () => {
    const relaxed = { data_classes: { restricted: { require: { self_hosted: false, regions: ['eu'] } } } };
    expect(permitted({}, 'restricted', relaxed)).toEqual(['azure/gpt-4o', 'vllm/llama']);
  });

  it('memoises the permitted set per class (a lookup on the request path)', () => {
    const policy = compile();
    expect(policy.permittedDeployments('restricted')).toBe(policy.permittedDeployments('restricted'));
  });
});

describe('sensitive data raises the class', () => {
  it('raises to the highest class among findings, and not below the declared class', () => {
    const policy = compile({ detect_sensitive: true });
    expect(policy.classify([])).toEqual({ dataClass: 'internal', findings: [] });
    expect(policy.classify([{ kind: 'email', count: 2 }])).toEqual({ dataClass: 'confidential', raisedFrom: 'internal', findings: [{ kind: 'email', count: 2 }] });
    expect(policy.classify([{ kind: 'email', count: 1 }, { kind: 'card', count: 1 }]).dataClass).toBe('restricted');
    const confidential = compile({ data_class: 'confidential' });
    expect(confidential.classify([{ kind: 'email', count: 1 }])).toEqual({ dataClass: 'confidential', findings: [] });
  });

  it('scans only when detect_sensitive is on, and only for kinds that could raise the class', () => {
    const text = 'jane@example.com paid with 4111 1111 1111 1111';
    expect(compile().inspect(userCall(text))).toEqual({ dataClass: 'internal', findings: [] });
    expect(compile({ detect_sensitive: true }).inspect(userCall(text))).toEqual({
      dataClass: 'restricted',
      raisedFrom: 'internal',
      findings: [
        { kind: 'email', count: 1 },
        { kind: 'card', count: 1 },
      ],
    });
    expect(compile({ data_class: 'confidential', detect_sensitive: true }).inspect(userCall(text)).findings).toEqual([{ kind: 'card', count: 1 }]);
    expect(compile({ data_class: 'restricted', detect_sensitive: true }).inspect(userCall(text))).toEqual({ dataClass: 'restricted', findings: [] });
  });

  it('follows the configured kind classes', () => {
    const policy = compile({ detect_sensitive: true }, { sensitive_data: { kinds: { card: 'confidential', email: 'public' } } });
    expect(policy.inspect(userCall('jane@example.com 4111 1111 1111 1111'))).toEqual({
      dataClass: 'confidential',
      raisedFrom: 'internal',
      findings: [{ kind: 'card', count: 1 }],
    });
  });

  it('marks the request refused under on_sensitive: refuse', () => {
    const policy = compile({ detect_sensitive: true, on_sensitive: 'refuse' });
    const classification = policy.inspect(userCall('card 4111 1111 1111 1111'));
    expect(classification).toMatchObject({ dataClass: 'restricted', raisedFrom: 'internal', refused: 'on_sensitive.refuse' });
    expect(policy.inspect(userCall('hello')).refused).toBeUndefined();
    const error = policy.refusal(classification, []);
    expect(error.message).toBe(
      "Workload 'support' (data class internal) refuses requests carrying sensitive data (found card×1, which would raise it to restricted) (policy on_sensitive.refuse).",
    );
  });
});

describe('decisions and refusals', () => {
  it('records the decision with kinds and counts only', () => {
    const policy = compile({ detect_sensitive: true });
    const classification = policy.inspect(userCall('my card is 4111 1111 1111 1111'));
    const decision = policy.decision(classification, ['openai/gpt-4o', 'anthropic/claude']);
    expect(decision).toEqual({
      dataClass: 'restricted',
      raisedFrom: 'internal',
      findings: [{ kind: 'card', count: 1 }],
      denied: [
        { deployment: 'openai/gpt-4o', rule: 'data_class.restricted.self_hosted' },
        { deployment: 'anthropic/claude', rule: 'data_class.restricted.self_hosted' },
      ],
    });
    expect(JSON.stringify(decision)).not.toContain('4111');
    expect(policy.decision(classification, ['openai/gpt-4o'], 'data_class.restricted.self_hosted').refused).toBe('data_class.restricted.self_hosted');
  });

  it('names the workload, class, raise, rule and each denied deployment in the refusal', () => {
    const policy = compile({ detect_sensitive: true });
    const classification = policy.inspect(userCall('card 4111 1111 1111 1111'));
    const error = policy.refusal(classification, ['openai/gpt-4o', 'anthropic/claude', 'other/model']);
    expect(error).toBeInstanceOf(PolicyRefusedError);
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'policy_violation', httpStatus: 403, isRetryable: false, type: 'permission_error', rule: 'data_class.restricted.self_hosted' });
    expect(error.message).toBe(
      "Workload 'support' (data class restricted, raised from internal by: card×1) may only use self-hosted deployments " +
        '(policy data_class.restricted.self_hosted); no permitted deployment can serve it: openai/gpt-4o (not self-hosted), ' +
        'anthropic/claude (not self-hosted), other/model (not self-hosted).',
    );
  });

  it('leads with the rule that removed most deployments', () => {
    const policy = compile({ data_class: 'confidential', require: { regions: ['eu'] } });
    const error = policy.refusal({ dataClass: 'confidential', findings: [] }, ['openai/gpt-4o', 'anthropic/claude', 'other/model']);
    expect(error.rule).toBe('data_class.confidential.zero_retention');
    expect(error.message).toBe(
      "Workload 'support' (data class confidential) may only use zero-retention deployments (policy data_class.confidential.zero_retention); " +
        'no permitted deployment can serve it: openai/gpt-4o (retains data 30 days), anthropic/claude (runs in us), other/model (retention unknown).',
    );
  });
});
