import type { ServerResponse } from 'node:http';
import { createTestServer, sse, type RecordedRequest, type TestServer } from '../support/create-test-server.js';

/**
 * A fake OpenAI-compatible server that answers any chat request the way OpenAI does: JSON or SSE
 * (with `stream_options.include_usage`), tool calls when tools are forced, JSON when asked, and
 * embeddings. Tests can still queue exact responses per path with `enqueue`.
 */
export async function createFakeOpenAIUpstream(): Promise<TestServer> {
  const server = await createTestServer();
  server.setDefault('/v1/chat/completions', { type: 'handler', handle: answerChat });
  server.setDefault('/v1/embeddings', { type: 'handler', handle: answerEmbeddings });
  return server;
}

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{ function: { name: string } }>;
  tool_choice?: string | { function: { name: string } };
  response_format?: { type: string };
  logprobs?: boolean;
}

function lastUserText(body: ChatBody): string {
  const last = [...body.messages].reverse().find((message) => message.role === 'user');
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}

function answerChat(request: RecordedRequest, response: ServerResponse): void {
  const body = request.body as ChatBody;
  const forcedTool =
    body.tools && body.tool_choice && body.tool_choice !== 'auto' && body.tool_choice !== 'none'
      ? typeof body.tool_choice === 'string'
        ? body.tools[0]!.function.name
        : body.tool_choice.function.name
      : undefined;
  const text =
    body.response_format?.type === 'json_object' || body.response_format?.type === 'json_schema'
      ? JSON.stringify({ answer: 'ok', echo: lastUserText(body).slice(0, 40) })
      : `Echo: ${lastUserText(body)}`;
  const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } };
  const base = { id: 'chatcmpl-fake123', created: 1_700_000_000, model: `${body.model}-2024-08-06`, system_fingerprint: 'fp_fake' };
  const toolCall = forcedTool ? { id: 'call_fake1', type: 'function', function: { name: forcedTool, arguments: '{"city":"Paris"}' } } : undefined;
  const logprobs = body.logprobs ? { content: [{ token: 'Echo', logprob: -0.1, bytes: [69, 99, 104, 111], top_logprobs: [] }] } : null;

  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '999' });
    response.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: toolCall ? { role: 'assistant', content: null, tool_calls: [toolCall] } : { role: 'assistant', content: text },
            logprobs,
            finish_reason: toolCall ? 'tool_calls' : 'stop',
          },
        ],
        usage,
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: unknown, finishReason: string | null = null, extra: Record<string, unknown> = {}) =>
    sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra });
  let out = chunk({ role: 'assistant', content: '' });
  if (toolCall) {
    out += chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] });
    out += chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] });
    out += chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] });
    out += chunk({}, 'tool_calls');
  } else {
    for (const piece of text.match(/.{1,8}/gs) ?? []) out += chunk({ content: piece });
    out += chunk({}, 'stop');
  }
  if (body.stream_options?.include_usage) out += sse({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  out += 'data: [DONE]\n\n';
  response.end(out);
}

function answerEmbeddings(request: RecordedRequest, response: ServerResponse): void {
  const body = request.body as { model: string; input: string[]; dimensions?: number };
  const dimensions = body.dimensions ?? 8;
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      object: 'list',
      model: body.model,
      data: body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from({ length: dimensions }, (_, position) => ((text.length + position) % 7) / 7),
      })),
      usage: { prompt_tokens: body.input.length * 3, total_tokens: body.input.length * 3 },
    }),
  );
}
