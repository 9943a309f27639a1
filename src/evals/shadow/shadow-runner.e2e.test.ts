import OpenAI from 'openai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { loadConfigText } from '../../core/config/load-config.js';
import type { RoutingQualityResponse } from '../../core/evaluation/evaluation-api.js';
import { createLogger } from '../../core/telemetry/create-logger.js';
import { startGateway, type RunningGateway } from '../../server/start-gateway.js';
import { openEvaluationStore, type OpenedEvaluationStore } from '../../store/evaluation/open-evaluation-store.js';
import { pairwiseJudgeHandler } from './test-fixtures.js';

/**
 * Shadow runs behind a real gateway, as start-gateway wires them, driven by the official OpenAI
 * client: simulated cheap and strong tiers in a cascade, a pairwise judge on a fake OpenAI
 * upstream, pairs in the gateway's SQLite request log on a temporary directory (read back through
 * a second connection and the admin API). The judge is held back to show a client never waits.
 */
let judgeServer: TestServer;
let gateway: RunningGateway;
let client: OpenAI;
let directory: string;
let opened: OpenedEvaluationStore;
/** Judge replies wait for this while it is set. */
let judgeHeld: Promise<void> | undefined;

const config = (judgeUrl: string, directory: string) => `providers:
  local: { type: simulated }
  judges: { type: openai, base_url: "${judgeUrl}/v1", api_key: sk-test }
resilience:
  retry: { max_attempts: 1 }
models:
  small:
    deployments: [{ provider: local, model: small-1, pricing: { input_per_mtok: 0.2, output_per_mtok: 0.2 } }]
  big:
    deployments: [{ provider: local, model: big-1, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } }]
  judge:
    deployments: [{ provider: judges, model: gpt-judge, pricing: { input_per_mtok: 1, output_per_mtok: 4 } }]
workloads:
  support:
    route: { model: small }
    routing:
      # The cheap tier's answer echoes the prompt: prompts marked HARD fail the check and escalate.
      cascade: { tiers: [small, big], checks: [{ regex: "^(?!.*HARD)", flags: s }] }
    evaluation:
      shadow: { sample_rate: 1, judge: { model: judge } }
server: { shutdown_grace_ms: 0 }
storage: { type: sqlite, path: "${directory}/switchyard.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${directory}/spill" }
`;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-shadow-e2e-'));
  judgeServer = await createTestServer();
  // The judge prefers the strong tier's answer, whichever position it is shown in.
  const judge = pairwiseJudgeHandler((answerA, answerB) => (answerA.includes('big-1') ? 'A' : answerB.includes('big-1') ? 'B' : 'tie'));
  judgeServer.setDefault('/v1/chat/completions', {
    type: 'handler',
    handle: async (request, response) => {
      await judgeHeld;
      judge(request, response);
    },
  });
  gateway = await startGateway({
    config: loadConfigText(config(judgeServer.url, directory), 'test.yaml', { env: {} }),
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ level: 'silent' }),
    recordRequests: true,
  });
  opened = await openEvaluationStore({ type: 'sqlite', path: join(directory, 'switchyard.db') });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await opened?.close();
  await judgeServer?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('shadow runs behind a real gateway', () => {
  it('answers the client first, then stores judged pairs for cheap and escalated answers', async () => {
    let release!: () => void;
    judgeHeld = new Promise((resolve) => (release = resolve));
    const easy = await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'Where is my parcel? Reach me at jane.doe@example.com' }] });
    const hard = await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'HARD: reconcile these two invoices' }] });
    expect(easy.choices[0]!.message.content).toMatch(/^\[simulated small-1\]/);
    expect(hard.choices[0]!.message.content).toMatch(/^\[simulated big-1\]/);
    // Both clients have their answers while the judge has not replied yet: nothing is stored.
    await waitFor(() => judgeServer.requests.length >= 2);
    expect(await opened.store.listShadowPairs()).toEqual([]);
    release();
    judgeHeld = undefined;
    await waitFor(async () => (await opened.store.listShadowPairs()).length === 2);

    const pairs = await opened.store.listShadowPairs();
    const byServed = Object.fromEntries(pairs.map((pair) => [pair.served, pair]));
    expect(byServed.cheap).toMatchObject({
      workload: 'support',
      router: 'cascade',
      cheapModel: 'small',
      strongModel: 'big',
      judgeModel: 'judge',
      outcome: 'strong_better',
      consistent: true,
      prompt: '[user]\nWhere is my parcel? Reach me at [EMAIL]',
    });
    expect(byServed.strong).toMatchObject({ outcome: 'strong_better', consistent: true, prompt: '[user]\nHARD: reconcile these two invoices' });
    // Served cheap: the strong tier was asked and the judge twice. Escalated: the rejected cheap answer was reused, judge only.
    expect(byServed.cheap!.costUsd).toBeGreaterThan(byServed.strong!.costUsd!);
    expect(judgeServer.requests).toHaveLength(4);

    const response = await fetch(`${gateway.url}/admin/routing/quality?since=${new Date(0).toISOString()}`);
    expect(response.status).toBe(200);
    const [support] = ((await response.json()) as RoutingQualityResponse).workloads;
    expect(support).toMatchObject({ workload: 'support', pairs: 2, servedCheap: 1, servedStrong: 1, underEscalation: { count: 1, of: 1 }, overEscalation: { count: 0, of: 1 } });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_shadow_pairs_total{workload="support",served="cheap",outcome="strong_better"} 1');
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 5 s');
}
