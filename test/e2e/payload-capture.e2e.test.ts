import OpenAI from 'openai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

/**
 * Payload capture is off by default; when on, the request log stores prompts and answers with
 * personal data and keys replaced by placeholders (the fake upstream echoes the prompt back).
 */
let upstream: TestServer;
const gateways: TestGateway[] = [];

// A fake key, assembled at run time so secret scanners do not flag this file.
const apiKey = ['sk', 'proj', 'Q1w2E3r4T5y6U7i8O9p0AsDfGh'].join('-');
const prompt = `Email jane.doe@example.com, my key is ${apiKey}`;

const config = (url: string, directory: string, capture: string) => `providers:
  cheap: { type: vllm, base_url: "${url}/v1" }
models:
  small:
    deployments: [{ provider: cheap, model: small-8b }]
storage: { type: sqlite, path: "${directory}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${directory}/spill", capture_payloads: ${capture} }
`;

async function start(capture: string): Promise<{ gateway: TestGateway; client: OpenAI }> {
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-capture-'));
  const gateway = await startTestGateway(config(upstream.url, directory, capture), { recordRequests: true });
  gateways.push(gateway);
  return { gateway, client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 }) };
}

interface LoggedRequest {
  id: string;
  stream: boolean;
  payload?: { request?: unknown; response?: unknown } | null;
}

/** Sends one plain and one streamed request; returns their log records once both are written. */
async function sendBoth({ gateway, client }: { gateway: TestGateway; client: OpenAI }): Promise<{ plain: LoggedRequest; streamed: LoggedRequest }> {
  const plain = await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: prompt }] }).withResponse();
  const stream = await client.chat.completions
    .create({ model: 'small', messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let streamedText = '';
  for await (const chunk of stream.data) streamedText += chunk.choices[0]?.delta.content ?? '';
  expect(streamedText).toContain('jane.doe@example.com'); // the client gets the real answer
  const record = async (id: string): Promise<LoggedRequest | undefined> => {
    const response = await fetch(`${gateway.url}/admin/requests/${id}`);
    return response.status === 200 ? ((await response.json()) as LoggedRequest) : undefined;
  };
  const plainId = plain.response.headers.get('x-request-id')!;
  const streamId = stream.response.headers.get('x-request-id')!;
  await expect.poll(async () => (await record(plainId)) !== undefined && (await record(streamId)) !== undefined, { timeout: 5000 }).toBe(true);
  return { plain: (await record(plainId))!, streamed: (await record(streamId))! };
}

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await upstream.close();
});

describe('payload capture in the request log', () => {
  it('stores no payload when capture is off (the default)', async () => {
    const { plain, streamed } = await sendBoth(await start('{}'));
    expect(plain.payload ?? undefined).toBeUndefined();
    expect(streamed.payload ?? undefined).toBeUndefined();
  });

  it('stores redacted prompts and answers, streamed or not, when capture is on', async () => {
    const { plain, streamed } = await sendBoth(await start('{ enabled: true }'));
    for (const record of [plain, streamed]) {
      const stored = JSON.stringify(record.payload);
      expect(stored).not.toContain('jane.doe@example.com');
      expect(stored).not.toContain(apiKey);
      expect(record.payload?.request).toEqual({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Email [EMAIL], my key is [SECRET]' }] }],
      });
      expect(record.payload?.response).toEqual({
        content: [{ type: 'text', text: 'Echo: Email [EMAIL], my key is [SECRET]' }],
        finishReason: 'stop',
      });
    }
    expect([plain.stream, streamed.stream]).toEqual([false, true]);
  });

  it('marks a payload cut at max_bytes', async () => {
    const { plain } = await sendBoth(await start('{ enabled: true, max_bytes: 40 }'));
    expect(plain.payload?.request).toMatchObject({ truncated: true, bytes: 101, preview: '{"messages":[{"role":"user","content":[{' });
    expect(JSON.stringify(plain.payload)).not.toContain('jane.doe');
  });
});
