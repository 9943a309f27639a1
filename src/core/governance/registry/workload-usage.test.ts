import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../config/load-config.js';
import { testFleet } from './registry-test-fleet.js';
import { usesByModel, workloadUsage } from './workload-usage.js';

describe('workloadUsage', () => {
  it('lists every routing path of every workload, in config order', () => {
    const uses = workloadUsage(testFleet()).map((use) => `${use.workload} ${use.model} ${use.role} ${use.path}${use.via ? ` via ${use.via}` : ''}`);
    expect(uses).toEqual([
      'support support-ft primary workloads.support.route.model',
      'support claude fallback models.support-ft.fallbacks[0] via support-ft',
      // A rule without its own fallbacks brings its model's.
      'support claude rule_target workloads.support.routing.rules[0].model via long-input',
      'support gpt-4o fallback models.claude.fallbacks[0] via claude',
      'support qwen-72b rule_target workloads.support.routing.rules[1].model via rule-1',
      'support gpt-4o fallback workloads.support.routing.rules[1].fallbacks[0] via qwen-72b',
      'support llama-8b cascade_tier workloads.support.routing.cascade.tiers[0]',
      'support gpt-4o cascade_tier workloads.support.routing.cascade.tiers[1]',
      'support qwen-72b agreement_model workloads.support.routing.cascade.checks[1].agreement.model',
      'support claude judge_model workloads.support.routing.cascade.checks[2].judge.model',
      'batch llama-8b primary workloads.batch.route.model',
      'batch llama-8b learned_weak workloads.batch.routing.learned.weak',
      'batch gpt-4o learned_strong workloads.batch.routing.learned.strong',
    ]);
  });

  it('groups uses by model', () => {
    const byModel = usesByModel(workloadUsage(testFleet()));
    expect(byModel.get('gpt-4o')?.map((use) => `${use.workload}:${use.role}`)).toEqual([
      'support:fallback',
      'support:fallback',
      'support:cascade_tier',
      'batch:learned_strong',
    ]);
    expect(byModel.has('mistral-r')).toBe(false);
  });

  it('reads a resolved config as loaded from YAML', () => {
    const config = loadConfigText(
      `
providers:
  local: { type: simulated }
models:
  small: { deployments: [{ provider: local, model: small }], fallbacks: [big] }
  big: { deployments: [{ provider: local, model: big }] }
  judge: { deployments: [{ provider: local, model: judge }] }
workloads:
  triage:
    route: { model: small }
    routing:
      rules: [{ when: { task: code }, model: big }]
      cascade: { tiers: [small, big], checks: [refusal, { judge: { model: judge } }] }
`,
      'test.yaml',
    );
    const uses = workloadUsage(config).map((use) => `${use.model}:${use.role}`);
    expect(uses).toEqual(['small:primary', 'big:fallback', 'big:rule_target', 'small:cascade_tier', 'big:cascade_tier', 'judge:judge_model']);
    // The workload inherits small's fallbacks: the use points at the model's setting, so it is listed once.
    expect(workloadUsage(config).find((use) => use.role === 'fallback')?.path).toBe('models.small.fallbacks[0]');
  });

  it('counts the judges of a workload’s evaluation (online, shadow, eval set) as dependencies', () => {
    const config = loadConfigText(
      `
providers:
  local: { type: simulated }
models:
  small: { deployments: [{ provider: local, model: small }] }
  judge: { deployments: [{ provider: local, model: judge }] }
  grader: { deployments: [{ provider: local, model: grader }] }
workloads:
  triage:
    route: { model: small }
    evaluation:
      online: { sample_rate: 0.1, judge: { model: judge } }
      shadow: { sample_rate: 0.05, judge: { model: judge } }
      eval_set: { path: sets/triage.jsonl, judge_model: grader }
`,
      'test.yaml',
    );
    expect(workloadUsage(config).map((use) => `${use.model}:${use.role} ${use.path}`)).toEqual([
      'small:primary workloads.triage.route.model',
      'judge:judge_model workloads.triage.evaluation.online.judge.model',
      'judge:judge_model workloads.triage.evaluation.shadow.judge.model',
      'grader:judge_model workloads.triage.evaluation.eval_set.judge_model',
    ]);
  });
});
