/**
 * A zero-latency fake OpenAI upstream for `npm run bench:overhead`. It answers
 * `POST /v1/chat/completions` at once with precomputed bodies in OpenAI's exact wire format, so a
 * benchmark through the gateway measures the gateway and not the model. Run as its own process
 * (the bench pins it to a core with taskset); it prints `listening <port>` on stdout when ready.
 *
 * Usage: tsx bench/zero-latency-upstream.ts [--port <port>]   (port 0, the default, picks a free one)
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

const MODEL = 'bench-model';
const CREATED = 1_735_689_600;
const SYSTEM_FINGERPRINT = 'fp_bench0000';
const CONTENT_PIECES = ['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today?'];
const USAGE = {
  prompt_tokens: 19,
  completion_tokens: CONTENT_PIECES.length,
  total_tokens: 19 + CONTENT_PIECES.length,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

/** A non-streaming `chat.completion` object, as OpenAI returns it. */
export const COMPLETION_BODY = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: CONTENT_PIECES.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  }),
);

function chunk(choices: unknown[], usage: unknown, withUsageField: boolean): string {
  const frame: Record<string, unknown> = {
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
  };
  // With `stream_options.include_usage`, OpenAI sends `usage: null` on every chunk but the last.
  if (withUsageField) frame.usage = usage;
  return `data: ${JSON.stringify(frame)}\n\n`;
}

/** The SSE body of a streamed answer: role chunk, content chunks, finish chunk, optional usage chunk, `[DONE]`. */
function streamBody(includeUsage: boolean): Buffer {
  const frames = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], null, includeUsage),
    ...CONTENT_PIECES.map((piece) => chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }], null, includeUsage)),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], null, includeUsage),
  ];
  if (includeUsage) frames.push(chunk([], USAGE, true));
  frames.push('data: [DONE]\n\n');
  return Buffer.from(frames.join(''));
}

export const STREAM_BODY_WITH_USAGE = streamBody(true);
export const STREAM_BODY_WITHOUT_USAGE = streamBody(false);

const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(COMPLETION_BODY.length) };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

function sendError(response: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

function answer(request: IncomingMessage, response: ServerResponse, text: string): void {
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    sendError(response, 404, `Unknown request URL: ${request.method} ${request.url}.`);
    return;
  }
  let body: { stream?: unknown; stream_options?: { include_usage?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    sendError(response, 400, 'We could not parse the JSON body of your request.');
    return;
  }
  if (body.stream === true) {
    const payload = body.stream_options?.include_usage === true ? STREAM_BODY_WITH_USAGE : STREAM_BODY_WITHOUT_USAGE;
    // Chunked like a real streaming server (no content-length), but written in one go: zero latency.
    response.writeHead(200, SSE_HEADERS);
    response.end(payload);
    return;
  }
  response.writeHead(200, JSON_HEADERS);
  response.end(COMPLETION_BODY);
}

export function startZeroLatencyUpstream(port: number): Promise<AddressInfo> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (data: Buffer) => chunks.push(data));
    request.on('end', () => answer(request, response, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
}

function portArgument(): number {
  const index = process.argv.indexOf('--port');
  const port = index === -1 ? 0 : Number(process.argv[index + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid --port '${process.argv[index + 1]}'`);
  return port;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startZeroLatencyUpstream(portArgument()).then(
    (address) => process.stdout.write(`listening ${address.port}\n`),
    (error: unknown) => {
      process.stderr.write(`zero-latency upstream failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}
