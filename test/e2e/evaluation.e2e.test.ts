import OpenAI from 'openai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/core/config/load-config.js';
import type { EvalRunRecord } from '../../src/core/evaluation/evaluation-records.js';
import { createLogger } from '../../src/core/telemetry/create-logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.js';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';

/**
 * Evaluation gates through a real gateway: a provider that starts answering with another model
 * version than the pin triggers a re-run of the workload's eval set (recorded, listed by the admin
 * API), and a model cannot be approved through the admin API without a passing gate.
 */
let upstream: TestServer;
let gateway: RunningGateway;
let client: OpenAI;
let directory: string;

const config = (url: string, dir: string) => `providers:
  cloud: { type: openai, base_url: "${url}/v1", api_key: sk-test }
models:
  gpt:
    registry: { owner: platform, lifecycle: candidate }
    deployments: [{ provider: cloud, model: gpt-4o-2024-05-13 }]
workloads:
  support:
    route: { model: gpt }
    evaluation:
      eval_set: { path: support.jsonl, scorer: contains, rerun_on_drift: true }
evaluation: { drift_rerun_debounce_ms: 0 }
storage: { type: sqlite, path: "${dir}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${dir}/spill" }
`;

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  directory = await mkdtemp(join(tmpdir(), 'switchyard-evaluation-'));
  // The fake echoes the prompt, so `contains` scores each case 1.
  await writeFile(join(directory, 'support.jsonl'), ['{"id":"a","prompt":"refund order 7","expected":"refund order 7"}', '{"id":"b","prompt":"reset password","expected":"reset password"}'].join('\n'));
  const configFile = join(directory, 'switchyard.yaml');
  await writeFile(configFile, config(upstream.url, directory));
  gateway = await startGateway({ config: await loadConfigFile(configFile, { env: {} }), configFile, port: 0, logger: createLogger({ level: 'silent' }) });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

describe('evaluation gates behind a real gateway', () => {
  it('re-runs the workload’s eval set when the provider reports a new model version', async () => {
    // The fake answers as `<requested model>-2024-08-06`: not the pinned gpt-4o-2024-05-13.
    await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'hello' }] });
    const runs = await pollRuns((list) => list.some((run) => run.trigger === 'drift'));
    const drift = runs.find((run) => run.trigger === 'drift')!;
    expect(drift).toMatchObject({ model: 'gpt', workload: 'support', cases: 2, scored: 2, failed: 0, mean: 1, setPath: expect.stringContaining('support.jsonl') });
    expect(drift.modelVersion).toContain('gpt-4o-2024-05-13');
  });

  it('refuses to approve a model without a passing gate on the workload’s eval set, naming the command', async () => {
    const response = await fetch(`${gateway.url}/admin/registry/models/gpt/lifecycle`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lifecycle: 'approved', reason: 'looks fine' }),
    });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('gate_required');
    expect(body.error.message).toContain('switchyard eval gate --workload support --candidate gpt');
    // Nothing changed: the model is still a candidate.
    const state = (await (await fetch(`${gateway.url}/admin/registry/state`)).json()) as { states: unknown[] };
    expect(state.states).toEqual([]);
  });
});

async function pollRuns(done: (runs: EvalRunRecord[]) => boolean): Promise<EvalRunRecord[]> {
  for (let attempt = 0; attempt < 250; attempt += 1) {
    const response = await fetch(`${gateway.url}/admin/evals/runs`);
    const { runs } = (await response.json()) as { runs: EvalRunRecord[] };
    if (done(runs)) return runs;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no drift re-run was recorded within 5 s');
}
