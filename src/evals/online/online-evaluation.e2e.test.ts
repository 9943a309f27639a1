import OpenAI from 'openai';
import { mkdtemp } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type RecordedRequest, type TestServer } from '../../../test/support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../../../test/support/start-test-gateway.js';
import type { QualityResponse } from '../../core/evaluation/evaluation-api.js';

/**
 * Online evaluation through a real gateway: the simulated provider answers the clients, a fake
 * OpenAI upstream plays the judges, and the official `openai` client sends the traffic. Scores
 * appear in GET /admin/quality; a judge that never answers holds up no client.
 */
let judges: TestServer;
let gateway: TestGateway;
let client: OpenAI;

const config = (judgeUrl: string, directory: string) => `providers:
  sim: { type: simulated }
  judges: { type: openai, base_url: "${judgeUrl}/v1", api_key: sk-judge }
resilience:
  retry: { max_attempts: 1 }
models:
  chat:
    deployments: [{ provider: sim, model: sim-chat }]
  judge:
    deployments: [{ provider: judges, model: judge-model, pricing: { input_per_mtok: 1, output_per_mtok: 1 } }]
  stuck-judge:
    deployments: [{ provider: judges, model: stuck-model }]
workloads:
  support:
    route: { model: chat }
    evaluation:
      online: { sample_rate: 1, judge: { model: judge, rubric: "Be strict." } }
  stuck:
    route: { model: chat }
    evaluation:
      online: { sample_rate: 1, judge: { model: stuck-judge } }
server: { shutdown_grace_ms: 0 }
storage: { type: sqlite, path: "${directory}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${directory}/spill" }
`;

/** The judges' upstream: `stuck-model` never answers; `judge-model` gives 9/10, or prose for a conversation marked MALFORMED. */
function answerJudge(request: RecordedRequest, response: ServerResponse): void {
  const body = request.body as { model: string; messages: Array<{ content: unknown }> };
  if (body.model === 'stuck-model') return;
  const malformed = JSON.stringify(body.messages).includes('MALFORMED');
  const content = malformed ? 'I would give this a solid 9/10.' : JSON.stringify({ reasoning: 'Helpful and correct.', score: 9 });
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id: 'chatcmpl-judge',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    }),
  );
}

beforeAll(async () => {
  judges = await createTestServer();
  judges.setDefault('/v1/chat/completions', { type: 'handler', handle: answerJudge });
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-online-'));
  gateway = await startTestGateway(config(judges.url, directory), { recordRequests: true });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const probe = await fetch(`${gateway.url}/admin/quality`);
  if (probe.status === 404) {
    throw new Error('GET /admin/quality answered 404: the gateway does not wire online evaluation (start-gateway.ts, gateway-context.ts, admin-routes.ts).');
  }
});

afterAll(async () => {
  await gateway.close();
  await judges.close();
});

async function quality(query = ''): Promise<QualityResponse> {
  const response = await fetch(`${gateway.url}/admin/quality${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as QualityResponse;
}

describe('online evaluation', () => {
  it('judges sampled answers in the background and reports them in /admin/quality', async () => {
    await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'How do I reset my password?' }] });
    const stream = await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'Where is my invoice?' }], stream: true });
    for await (const _chunk of stream) {
      // Read to the end: only a finished stream is judged.
    }
    await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'MALFORMED: judge this one badly' }] });

    await expect
      .poll(async () => (await quality('?workload=support')).series.reduce((total, row) => total + row.scored + row.unscored, 0), { timeout: 10_000 })
      .toBe(3);
    const report = await quality('?workload=support');
    expect(report.series).toEqual([expect.objectContaining({ workload: 'support', model: 'chat', route: 'default', scored: 2, unscored: 1 })]);
    expect(report.series[0]!.mean).toBeCloseTo(8 / 9, 10);
    expect(report.rolling).toEqual([expect.objectContaining({ workload: 'support', model: 'chat', route: 'default', window: expect.objectContaining({ n: 2 }) })]);
    expect(report.rolling[0]!.window.mean).toBeCloseTo(8 / 9, 10);
    // One call per good answer, two (a retry) for the malformed verdict; each with the rubric.
    const supportJudgeCalls = judges.requests.filter((request) => (request.body as { model: string }).model === 'judge-model');
    expect(supportJudgeCalls).toHaveLength(4);
    expect(JSON.stringify(supportJudgeCalls[0]!.body)).toContain('Be strict.');

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_online_judgements_total{workload="support",model="chat",outcome="scored"} 2');
    expect(metrics).toContain('switchyard_online_judgements_total{workload="support",model="chat",outcome="unscored"} 1');
    expect(metrics).toMatch(/switchyard_evaluation_cost_usd_total\{workload="support",kind="judge"\} 0\.00048/);
  });

  it('answers clients while their judge hangs', async () => {
    const first = await client.chat.completions.create({ model: 'workload/stuck', messages: [{ role: 'user', content: 'first question' }] });
    expect(first.choices[0]!.message.content).toContain('first question');
    await expect.poll(() => judges.requests.filter((request) => (request.body as { model: string }).model === 'stuck-model').length, { timeout: 5000 }).toBe(1);
    // The judge of the first answer is still waiting; the next client is answered all the same.
    const second = await client.chat.completions.create({ model: 'workload/stuck', messages: [{ role: 'user', content: 'second question' }] });
    expect(second.choices[0]!.message.content).toContain('second question');
    expect((await quality('?workload=stuck')).series).toEqual([]);
    expect((await quality()).queue.running).toBeGreaterThanOrEqual(1);
  });
});
