import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../core/config/load-config.js';
import type { EvalRunRecord } from '../../core/evaluation/evaluation-records.js';
import type { EvalCaseResult } from '../runner/eval-case-result.js';
import { buildEvalReport } from '../runner/eval-report.js';
import { scored, unscored } from '../scorers/scorer.js';
import { isSelfComparison } from './gate-record.js';
import { modelVersionOf, UNRESOLVED_MODEL_VERSION } from './model-version.js';
import { evalRunRecordOf, newestPairableRun, recordedSamples, withoutPerCaseDetail } from './recorded-eval-run.js';
import { resolveEvalSetPath } from './eval-set-identity.js';
import { workloadEvalSet } from './workload-eval-set.js';

const CONFIG = `
providers:
  sim: { type: simulated }
  other: { type: simulated }
models:
  big:
    deployments:
      - { id: a, provider: sim, model: big-1, version: "2025-01-01" }
      - { id: b, provider: other, model: big-1 }
  small: { deployments: [{ provider: sim, model: small-1 }] }
workloads:
  support:
    route: { model: big, fallbacks: [small] }
    evaluation:
      eval_set: { path: sets/support.jsonl, scorer: { type: contains, mode: any }, judge_model: big, gate: { max_drop: 0.05, mode: non-inferiority }, rerun_on_drift: false }
  chat:
    route: { model: small }
`;
const config = loadConfigText(CONFIG, '/etc/switchyard/switchyard.yaml', { env: {} });

describe('modelVersionOf', () => {
  it('lists each deployment as provider:model@version, sorted; a workload covers every model it can reach', () => {
    expect(modelVersionOf(config, 'big')).toBe('other:big-1 sim:big-1@2025-01-01');
    expect(modelVersionOf(config, 'workload/support')).toBe('other:big-1 sim:big-1@2025-01-01 sim:small-1');
    expect(modelVersionOf(config, 'nothing')).toBe(UNRESOLVED_MODEL_VERSION);
    const bumped = loadConfigText(CONFIG.replace('"2025-01-01"', '"2025-02-01"'), 'x.yaml', { env: {} });
    expect(modelVersionOf(bumped, 'big')).not.toBe(modelVersionOf(config, 'big'));
  });
});

describe('workloadEvalSet', () => {
  it('resolves the path against the config folder and reads the scorer and gate settings', () => {
    expect(workloadEvalSet(config, 'support')).toEqual({
      workload: 'support',
      path: '/etc/switchyard/sets/support.jsonl',
      configuredPath: 'sets/support.jsonl',
      scorer: { type: 'contains', mode: 'any', normalise: { trim: true, collapse_whitespace: true, case_sensitive: true, strip_punctuation: false } },
      judgeModel: 'big',
      gate: { maxDrop: 0.05, confidence: 0.95, mode: 'non-inferiority' },
      rerunOnDrift: false,
      routeModel: 'big',
    });
    expect(workloadEvalSet(config, 'chat')).toBeUndefined();
    expect(() => workloadEvalSet(config, 'nope')).toThrow("Workload 'nope' is not configured (configured: chat, support).");
    expect(resolveEvalSetPath('/etc/switchyard/switchyard.yaml', '/abs/set.jsonl')).toBe('/abs/set.jsonl');
  });

  it('names the config field of a bad scorer', () => {
    const bad = loadConfigText(CONFIG.replace('{ type: contains, mode: any }', '{ type: contains, mode: most }'), 'bad.yaml', { env: {} });
    expect(() => workloadEvalSet(bad, 'support')).toThrow(/^bad\.yaml: workloads\.support\.evaluation\.eval_set\.scorer\.mode: /);
  });
});

function result(id: string, score: number | undefined): EvalCaseResult {
  return {
    id,
    model: 'big',
    tags: ['t'],
    score: score === undefined ? unscored('no verdict') : scored(score),
    answer: 'x',
    latencyMs: 1,
    cached: false,
  };
}

describe('recorded runs', () => {
  const results = [result('a', 1), result('b', 0), result('c', undefined)];
  const record = evalRunRecordOf({
    report: buildEvalReport({ model: 'big', results, failures: [], spentUsd: 0 }),
    results,
    setPath: join('/sets', 'support.jsonl'),
    setHash: 'h1',
    model: 'big',
    modelVersion: 'v1',
    workload: 'support',
    trigger: 'cli',
    now: () => 5,
  });

  it('keeps per-case scores to pair later, and drops per-case arrays for lists', () => {
    expect(record).toMatchObject({ time: 5, setHash: 'h1', model: 'big', workload: 'support', modelVersion: 'v1', trigger: 'cli', cases: 3, scored: 2, failed: 0, mean: 0.5 });
    expect(recordedSamples(record)).toEqual([
      { id: 'a', score: 1, tags: ['t'] },
      { id: 'b', score: 0, tags: ['t'] },
    ]);
    const listed = withoutPerCaseDetail(record).report as Record<string, unknown>;
    expect(Object.keys(listed)).not.toEqual(expect.arrayContaining(['caseScores']));
    expect(listed).not.toHaveProperty('unscoredReasons');
    expect(listed).toMatchObject({ model: 'big', scored: 2 });
  });

  it('reads per-case scores from a database defensively', () => {
    const withReport = (report: unknown): EvalRunRecord => ({ ...record, report });
    expect(recordedSamples(withReport(undefined))).toBeUndefined();
    expect(recordedSamples(withReport({ caseScores: 'no' }))).toBeUndefined();
    expect(recordedSamples(withReport({ caseScores: [{ score: 1 }] }))).toBeUndefined();
    expect(recordedSamples(withReport({ caseScores: [{ id: 'a', score: Number.NaN }, { id: 'b', score: 0.5 }] }))).toEqual([{ id: 'b', score: 0.5 }]);
  });

  it('finds the newest pairable run of another version on the same set', () => {
    const runs = [
      { ...record, id: 'old', time: 1, modelVersion: 'v0' },
      { ...record, id: 'current', time: 9, modelVersion: 'v1' },
      { ...record, id: 'other-set', time: 8, modelVersion: 'v0', setHash: 'h2' },
      { ...record, id: 'no-scores', time: 7, modelVersion: 'v0', report: {} },
    ];
    expect(newestPairableRun(runs, { model: 'big', setHash: 'h1' })?.id).toBe('current');
    expect(newestPairableRun(runs, { model: 'big', setHash: 'h1', otherThanVersion: 'v1' })?.id).toBe('old');
    expect(newestPairableRun(runs, { model: 'small', setHash: 'h1' })).toBeUndefined();
  });

  it('a gate against the same version of the same model is a self-comparison', () => {
    expect(isSelfComparison({ candidate: 'big', baseline: 'big', candidateVersion: 'v1', baselineVersion: 'v1' })).toBe(true);
    expect(isSelfComparison({ candidate: 'big', baseline: 'big', candidateVersion: 'v2', baselineVersion: 'v1' })).toBe(false);
    expect(isSelfComparison({ candidate: 'big', baseline: 'small', candidateVersion: 'v1', baselineVersion: 'v1' })).toBe(false);
  });
});
