import { describe, expect, it } from 'vitest';
import { buildCascadeChecks } from './build-cascade-checks.js';
import { cascadeConfigSchema, checkCascadeModels, type CascadeConfig } from './cascade-config.js';

const parse = (input: unknown): CascadeConfig => cascadeConfigSchema.parse(input);
const issuesOf = (input: unknown) => {
  const result = cascadeConfigSchema.safeParse(input);
  if (result.success) throw new Error('expected the config to be rejected');
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('cascadeConfigSchema', () => {
  it('normalises every check form and fills the defaults', () => {
    const config = parse({
      tiers: ['llama-8b', 'gpt-4o'],
      checks: [
        'json_schema',
        { required_fields: ['answer', 'confidence'] },
        { regex: '^\\s*ANSWER:', flags: 'i' },
        'refusal',
        { min_mean_logprob: -0.35 },
        { agreement: { model: 'qwen-7b' } },
        { judge: { model: 'gpt-4o-mini', rubric: 'cites the policy' } },
      ],
    });
    expect(config).toEqual({
      tiers: ['llama-8b', 'gpt-4o'],
      stream: 'buffer',
      checks: [
        { kind: 'json_schema' },
        { kind: 'required_fields', fields: ['answer', 'confidence'] },
        { kind: 'regex', pattern: '^\\s*ANSWER:', flags: 'i' },
        { kind: 'refusal' },
        { kind: 'min_mean_logprob', threshold: -0.35, onUnavailable: 'escalate' },
        { kind: 'agreement', samples: 2, model: 'qwen-7b', compare: 'final_answer', temperature: 0.7 },
        { kind: 'judge', model: 'gpt-4o-mini', minScore: 7, rubric: 'cites the policy', maxOutputTokens: 5 },
      ],
    });
  });

  it('rejects a regex that does not compile, naming its path', () => {
    expect(issuesOf({ tiers: ['a', 'b'], checks: ['refusal', { regex: '(unclosed' }] })).toEqual([
      { path: 'checks.1.regex', message: expect.stringContaining('invalid regular expression') },
    ]);
  });

  it('rejects stateful regex flags, two checks in one entry, and settings without their check', () => {
    expect(issuesOf({ tiers: ['a', 'b'], checks: [{ regex: 'x', flags: 'g' }] })).toEqual([{ path: 'checks.0.flags', message: expect.stringContaining("'i'") }]);
    expect(issuesOf({ tiers: ['a', 'b'], checks: [{ regex: 'x', required_fields: ['a'] }] })).toEqual([
      { path: 'checks.0.regex', message: "one check per entry; 'required_fields' and 'regex' need an entry each" },
    ]);
    expect(issuesOf({ tiers: ['a', 'b'], checks: [{ required_fields: ['a'], on_unavailable: 'pass' }] })).toEqual([
      { path: 'checks.0.on_unavailable', message: "'on_unavailable' goes with 'min_mean_logprob'" },
    ]);
  });

  it('rejects unknown keys, a single tier, a repeated tier and an empty check list', () => {
    expect(issuesOf({ tiers: ['a', 'b'], checks: ['refusal'], mode: 'x' })[0]?.message).toMatch(/mode/);
    expect(issuesOf({ tiers: ['a', 'b'], checks: [{ judge: { model: 'j', min_score: 11 } }] })[0]?.path).toBe('checks.0.judge.min_score');
    expect(issuesOf({ tiers: ['a'], checks: ['refusal'] })[0]?.path).toBe('tiers');
    expect(issuesOf({ tiers: ['a', 'b', 'a'], checks: ['refusal'] })).toEqual([{ path: 'tiers.2', message: "tier 'a' is listed twice" }]);
    expect(issuesOf({ tiers: ['a', 'b'], checks: [] })[0]?.path).toBe('checks');
  });
});

describe('checkCascadeModels', () => {
  it('names unknown and embedding models with their full path', () => {
    const config = parse({
      tiers: ['small', 'missing'],
      checks: [{ agreement: { model: 'embedder' } }, { judge: { model: 'judge' } }],
    });
    const issues = checkCascadeModels(config, { small: { kind: 'chat' }, embedder: { kind: 'embedding' } }, ['workloads', 'w', 'routing', 'cascade']);
    expect(issues).toEqual([
      { path: ['workloads', 'w', 'routing', 'cascade', 'tiers', 1], message: "unknown model 'missing'; expected one of: small, embedder" },
      { path: ['workloads', 'w', 'routing', 'cascade', 'checks', 0, 'agreement', 'model'], message: "model 'embedder' is an embedding model; expected a chat model" },
      { path: ['workloads', 'w', 'routing', 'cascade', 'checks', 1, 'judge', 'model'], message: "unknown model 'judge'; expected one of: small, embedder" },
    ]);
    expect(checkCascadeModels(parse({ tiers: ['small', 'small2'], checks: ['refusal'] }), { small: { kind: 'chat' }, small2: { kind: 'chat' } }, [])).toEqual([]);
  });
});

describe('buildCascadeChecks', () => {
  it('runs local checks first in written order, then agreement, then judge', () => {
    const config = parse({
      tiers: ['a', 'b'],
      checks: [{ judge: { model: 'j' } }, 'refusal', { agreement: {} }, { min_mean_logprob: -1 }, 'json_schema'],
    });
    const checks = buildCascadeChecks(config.checks);
    expect(checks.map((check) => check.kind)).toEqual(['refusal', 'min_mean_logprob', 'json_schema', 'agreement', 'judge']);
    expect(checks.filter((check) => check.needsLogprobs).map((check) => check.kind)).toEqual(['min_mean_logprob']);
  });
});
