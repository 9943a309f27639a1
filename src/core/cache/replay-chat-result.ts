import type { ChatResult } from '../../spec/chat-result.js';
import type { StreamEvent } from '../../spec/stream-event.js';

/** Deltas a cached text is cut into: enough to look like a stream, few enough to cost nothing. */
const TEXT_CHUNKS = 4;

/**
 * A cached answer as the event sequence a streaming adapter would have produced: `stream-start`,
 * `response-metadata`, the content as deltas in a few chunks each, log-probabilities, `finish`.
 */
export function replayChatResult(result: ChatResult): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'stream-start', warnings: result.warnings }];
  const { headers: _headers, ...info } = result.response;
  events.push({ type: 'response-metadata', ...info });
  result.content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        for (const delta of splitIntoChunks(part.text)) events.push(part.refusal === true ? { type: 'text-delta', delta, refusal: true } : { type: 'text-delta', delta });
        break;
      case 'reasoning': {
        const chunks = splitIntoChunks(part.text);
        chunks.forEach((delta, position) => {
          // The signature closes the block, as Anthropic sends it after the thinking text.
          const last = position === chunks.length - 1;
          events.push(last && part.signature !== undefined ? { type: 'reasoning-delta', delta, signature: part.signature } : { type: 'reasoning-delta', delta });
        });
        break;
      }
      case 'tool-call': {
        const toolCallId = part.toolCallId || `call_cached_${index}`;
        events.push({ type: 'tool-input-start', toolCallId, toolName: part.toolName });
        for (const delta of splitIntoChunks(part.input)) events.push({ type: 'tool-input-delta', toolCallId, delta });
        break;
      }
    }
  });
  if (result.logprobs && result.logprobs.length > 0) events.push({ type: 'logprobs', content: result.logprobs });
  events.push({ type: 'finish', finishReason: result.finishReason, usage: result.usage });
  return events;
}

/** Splits text into at most TEXT_CHUNKS pieces without cutting a surrogate pair; one empty text gives one empty delta. */
function splitIntoChunks(text: string): string[] {
  const characters = Array.from(text);
  if (characters.length === 0) return [''];
  const size = Math.ceil(characters.length / TEXT_CHUNKS);
  const chunks: string[] = [];
  for (let start = 0; start < characters.length; start += size) chunks.push(characters.slice(start, start + size).join(''));
  return chunks;
}
