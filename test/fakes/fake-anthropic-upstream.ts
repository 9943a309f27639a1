import type { ServerResponse } from 'node:http';
import { createTestServer, sse, type RecordedRequest, type TestServer } from '../support/create-test-server.js';

/**
 * A fake Anthropic Messages API: answers `POST /v1/messages` like Anthropic does, as JSON or as the
 * documented SSE event sequence, with a `tool_use` block when a tool is forced and cache usage
 * fields when the request carries cache_control breakpoints.
 * @see https://docs.anthropic.com/en/api/messages-streaming
 */
export async function createFakeAnthropicUpstream(): Promise<TestServer> {
  const server = await createTestServer();
  server.setDefault('/v1/messages', { type: 'handler', handle: answerMessages });
  return server;
}

interface MessagesBody {
  model: string;
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
  stream?: boolean;
  tools?: Array<{ name: string }>;
  tool_choice?: { type: string; name?: string };
  system?: unknown;
}

function lastUserText(body: MessagesBody): string {
  const last = [...body.messages].reverse().find((message) => message.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return last.content.map((block) => block.text ?? `[${block.type}]`).join('');
}

function answerMessages(request: RecordedRequest, response: ServerResponse): void {
  const body = request.body as MessagesBody;
  if (request.headers['x-api-key'] === undefined || request.headers['anthropic-version'] === undefined) {
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    return;
  }
  const forced = body.tool_choice?.type === 'tool' ? body.tool_choice.name : body.tool_choice?.type === 'any' ? body.tools?.[0]?.name : undefined;
  const cached = JSON.stringify(body).includes('cache_control');
  const usage = { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: cached ? 100 : 0, cache_creation_input_tokens: 0 };
  const text = `Echo: ${lastUserText(body)}`;
  const toolInput = forced === 'json' ? { answer: 'ok' } : { city: 'Paris' };
  const content = forced ? [{ type: 'tool_use', id: 'toolu_01', name: forced, input: toolInput }] : [{ type: 'text', text }];
  const stopReason = forced ? 'tool_use' : 'end_turn';
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
    response.end(JSON.stringify({ id: 'msg_fake1', type: 'message', role: 'assistant', model: `${body.model}`, content, stop_reason: stopReason, stop_sequence: null, usage }));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  let out = sse({ type: 'message_start', message: { id: 'msg_fake1', type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }, 'message_start');
  out += sse({ type: 'ping' }, 'ping');
  if (forced) {
    out += sse({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_01', name: forced, input: {} } }, 'content_block_start');
    const json = JSON.stringify(toolInput);
    for (const piece of [json.slice(0, 5), json.slice(5)]) {
      out += sse({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta');
    }
  } else {
    out += sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
    for (const piece of text.match(/.{1,6}/gs) ?? []) {
      out += sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }, 'content_block_delta');
    }
  }
  out += sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
  out += sse({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 7 } }, 'message_delta');
  out += sse({ type: 'message_stop' }, 'message_stop');
  response.end(out);
}
