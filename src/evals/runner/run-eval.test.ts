import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../core/config/load-config.js';
import { RequestPipeline } from '../../core/pipeline/request-pipeline.js';
import { buildGatewayRuntime, type GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { loadEvalSet } from '../eval-sets/load-eval-set.js';
import type { EvalCase } from '../eval-sets/eval-case-schema.js';
import { EVAL_TEST_CONFIG_PINNED_YAML, EVAL_TEST_CONFIG_YAML } from './__fixtures__/eval-test-config.js';
import { runEval, type RunEvalOptions } from './run-eval.js';

const SET_FILE = fileURLToPath(new URL('./__fixtures__/small-set.jsonl', import.meta.url));

function runtimeOf(yaml: string): GatewayRuntime {
  return buildGatewayRuntime(loadConfigText(yaml, 'eval-test.yaml', { env: {} }));
}

/** A pipeline that counts the requests it handled (answered or not). */
function countingPipeline(): { pipeline: RequestPipeline; requests: () => number } {
  let count = 0;
  return { pipeline: new RequestPipeline({ onRequestEnd: () => (count += 1) }), requests: () => count };
}

let directory: string;
let cases: EvalCase[];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'eval-runner-'));
  cases = await loadEvalSet(SET_FILE);
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function options(overrides: Partial<RunEvalOptions> & Pick<RunEvalOptions, 'pipeline'>): RunEvalOptions {
  return {
    cases,
    setFile: SET_FILE,
    model: 'frontier',
    runtime: runtimeOf(EVAL_TEST_CONFIG_YAML),
    scorer: { type: 'contains' },
    cacheDirectory: join(directory, 'cache'),
    ...overrides,
  };
}

describe('runEval', () => {
  it('scores every case through the pipeline and reports score, tags, cost and latency', async () => {
    const { pipeline, requests } = countingPipeline();
    const progress: number[] = [];
    const run = await runEval(options({ pipeline, concurrency: 3, onProgress: (update) => progress.push(update.done) }));
    expect(requests()).toBe(cases.length);
    expect(run.report).toMatchObject({ model: 'frontier', cases: 9, scored: 8, unscored: 1, failed: 0, cached: 0 });
    expect(run.report.score?.mean).toBe(1);
    expect(run.report.unscoredReasons).toEqual([{ id: 'free-1', reason: expect.stringContaining('contains') }]);
    expect(run.report.tags.map((row) => [row.tag, row.n])).toEqual([
      ['(all)', 8],
      ['geo', 1],
      ['math', 1],
      ['models', 6],
    ]);
    expect(run.report.costUsd).toBeGreaterThan(0);
    expect(run.report.spentUsd).toBeCloseTo(run.report.costUsd ?? Number.NaN, 12);
    expect(run.report.latencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(run.report.latencyMs.p95).toBeGreaterThanOrEqual(run.report.latencyMs.p50 ?? Number.NaN);
    expect(run.results.map((result) => result.id)).toEqual(cases.map((evalCase) => evalCase.id));
    expect(progress.at(-1)).toBe(cases.length);
  });

  it('scores a weaker model lower on the cases that need the frontier', async () => {
    const { pipeline } = countingPipeline();
    const run = await runEval(options({ pipeline, model: 'open-small' }));
    expect(run.report.score?.mean).toBeCloseTo(2 / 8, 12);
    expect(run.report.tags.find((row) => row.tag === 'models')?.mean).toBe(0);
  });

  it('appends results as they finish and skips finished cases on a re-run', async () => {
    const resultsFile = join(directory, 'out', 'results.jsonl');
    const first = countingPipeline();
    await runEval(options({ pipeline: first.pipeline, cases: cases.slice(0, 4), resultsFile, cacheDirectory: false }));
    expect(first.requests()).toBe(4);
    const lines = (await readFile(resultsFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);

    // A torn last line (a killed run) is ignored: that case runs again.
    await writeFile(resultsFile, `${lines.join('\n')}\n{"id":"model-4","mod`, 'utf8');
    const second = countingPipeline();
    const run = await runEval(options({ pipeline: second.pipeline, resultsFile, cacheDirectory: false }));
    expect(second.requests()).toBe(cases.length - 4);
    expect(run.resumed).toBe(4);
    expect(run.report.cases).toBe(cases.length);
    expect(run.report.score?.mean).toBe(1);
  });

  it('does not resume from results of another model', async () => {
    const resultsFile = join(directory, 'results.jsonl');
    await runEval(options({ pipeline: countingPipeline().pipeline, resultsFile, cacheDirectory: false }));
    const other = countingPipeline();
    const run = await runEval(options({ pipeline: other.pipeline, model: 'open-small', resultsFile, cacheDirectory: false }));
    expect(run.resumed).toBe(0);
    expect(other.requests()).toBe(cases.length);
  });

  it('reuses cached answers instead of calling upstream again', async () => {
    const first = countingPipeline();
    const original = await runEval(options({ pipeline: first.pipeline }));
    const second = countingPipeline();
    const again = await runEval(options({ pipeline: second.pipeline }));
    expect(second.requests()).toBe(0);
    expect(again.report.cached).toBe(cases.length);
    expect(again.report.spentUsd).toBe(0);
    expect(again.results.map((result) => result.score)).toEqual(original.results.map((result) => result.score));
    expect(again.report.costUsd).toBeCloseTo(original.report.costUsd ?? Number.NaN, 12);
  });

  it('misses the cache when the deployment version, the model, the call or the scorer changes', async () => {
    await runEval(options({ pipeline: countingPipeline().pipeline }));
    const pinned = countingPipeline();
    await runEval(options({ pipeline: pinned.pipeline, runtime: runtimeOf(EVAL_TEST_CONFIG_PINNED_YAML) }));
    expect(pinned.requests()).toBe(cases.length);
    const otherModel = countingPipeline();
    await runEval(options({ pipeline: otherModel.pipeline, model: 'open-small' }));
    expect(otherModel.requests()).toBe(cases.length);
    const otherCall = countingPipeline();
    await runEval(options({ pipeline: otherCall.pipeline, callSettings: { temperature: 0.5 } }));
    expect(otherCall.requests()).toBe(cases.length);
    const otherScorer = countingPipeline();
    await runEval(options({ pipeline: otherScorer.pipeline, scorer: { type: 'exact' } }));
    expect(otherScorer.requests()).toBe(cases.length);
  });

  it('starts no case once the signal is aborted', async () => {
    const { pipeline, requests } = countingPipeline();
    const controller = new AbortController();
    controller.abort();
    const run = await runEval(options({ pipeline, signal: controller.signal }));
    expect(requests()).toBe(0);
    expect(run.report.cases).toBe(0);
  });

  it('records a failing request as failed and does not write it to the results file', async () => {
    const resultsFile = join(directory, 'results.jsonl');
    const run = await runEval(options({ pipeline: countingPipeline().pipeline, model: 'no-such-model', resultsFile, cacheDirectory: false }));
    expect(run.report.failed).toBe(cases.length);
    expect(run.report.failures[0]).toMatchObject({ id: 'geo-1', code: 'model_not_found' });
    expect(run.report.score).toBeUndefined();
    await expect(readFile(resultsFile, 'utf8')).rejects.toThrow();
  });

  it('sends judge calls through the pipeline and counts their cost', async () => {
    const { pipeline, requests } = countingPipeline();
    const run = await runEval(options({ pipeline, cases: cases.slice(0, 2), scorer: { type: 'judge' }, judgeModel: 'open-small', cacheDirectory: false }));
    // One answer and at least one judge call per case; the simulated judge's reply is not a verdict.
    expect(requests()).toBeGreaterThanOrEqual(4);
    expect(run.report.unscored).toBe(2);
    expect(run.report.spentUsd).toBeGreaterThan(run.report.costUsd ?? Number.NaN);
  });
});
