/**
 * Checks, once before measuring, that a server answers the bench's chat request correctly: a
 * throughput number for a gateway that answers errors (or a broken stream) would mean nothing.
 */
import { chatRequestBody } from './wrk.js';
import { BENCH_CLIENT_KEY } from './bench-gateway-config.js';

const EXPECTED_TEXT = 'Hello! How can I help you today?';

async function post(url: string, stream: boolean): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
    body: chatRequestBody(stream),
  });
}

function fail(label: string, problem: string, detail: string): never {
  throw new Error(`${label}: ${problem}${detail ? ` — got ${detail.slice(0, 400)}` : ''}`);
}

interface CompletionShape {
  object?: unknown;
  model?: unknown;
  choices?: { message?: { role?: unknown; content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
}

export async function validateCompletion(url: string, label: string): Promise<void> {
  const response = await post(url, false);
  const text = await response.text();
  if (response.status !== 200) fail(label, `non-streaming answer has status ${response.status}`, text);
  let completion: CompletionShape;
  try {
    completion = JSON.parse(text) as CompletionShape;
  } catch {
    fail(label, 'non-streaming answer is not JSON', text);
  }
  const choice = completion.choices?.[0];
  if (completion.object !== 'chat.completion') fail(label, "object is not 'chat.completion'", text);
  if (typeof completion.model !== 'string') fail(label, 'model is missing', text);
  if (choice?.message?.role !== 'assistant' || choice.message.content !== EXPECTED_TEXT) fail(label, 'choices[0].message is wrong', text);
  if (choice.finish_reason !== 'stop') fail(label, "finish_reason is not 'stop'", text);
  if (typeof completion.usage?.total_tokens !== 'number') fail(label, 'usage is missing', text);
}

interface ChunkShape {
  object?: unknown;
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { total_tokens?: unknown } | null;
}

export async function validateStream(url: string, label: string): Promise<void> {
  const response = await post(url, true);
  const text = await response.text();
  if (response.status !== 200) fail(label, `streaming answer has status ${response.status}`, text);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    fail(label, `streaming answer has content-type ${response.headers.get('content-type')}`, text);
  }
  const payloads = text
    .split(/\r?\n\r?\n/)
    .map((frame) => frame.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n'))
    .filter((payload) => payload !== '');
  if (payloads.at(-1) !== '[DONE]') fail(label, 'stream does not end with data: [DONE]', text.slice(-300));
  let content = '';
  let finishReason: unknown;
  let usageSeen = false;
  for (const payload of payloads.slice(0, -1)) {
    let chunk: ChunkShape;
    try {
      chunk = JSON.parse(payload) as ChunkShape;
    } catch {
      fail(label, 'stream frame is not JSON', payload);
    }
    if (chunk.object !== 'chat.completion.chunk') fail(label, "stream frame object is not 'chat.completion.chunk'", payload);
    const choice = chunk.choices?.[0];
    if (typeof choice?.delta?.content === 'string') content += choice.delta.content;
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (typeof chunk.usage?.total_tokens === 'number') usageSeen = true;
  }
  if (content !== EXPECTED_TEXT) fail(label, `streamed text is '${content}', expected '${EXPECTED_TEXT}'`, '');
  if (finishReason !== 'stop') fail(label, "stream has no finish_reason 'stop'", text);
  if (!usageSeen) fail(label, 'stream has no usage chunk although stream_options.include_usage was sent', text);
}
