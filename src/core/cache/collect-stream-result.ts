import type { ReasoningPart, TextPart, ToolCallPart } from '../../spec/chat-call.js';
import type { ChatResult, ResponseInfo, TokenLogprob } from '../../spec/chat-result.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { merged } from '../../spec/merged.js';

/**
 * Rebuilds the ChatResult a stream amounts to, event by event, so a streamed answer can be cached
 * like a generated one. Consecutive deltas of one kind join into one part; tool-input deltas join
 * their call by id.
 */
export class StreamResultCollector {
  private readonly content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
  private readonly toolCalls = new Map<string, ToolCallPart>();
  private readonly logprobs: TokenLogprob[] = [];
  private response: ResponseInfo = {};
  private warnings: ChatResult['warnings'] = [];
  private finished: Extract<StreamEvent, { type: 'finish' }> | undefined;

  add(event: StreamEvent): void {
    switch (event.type) {
      case 'stream-start':
        this.warnings = event.warnings;
        break;
      case 'response-metadata': {
        const { type: _type, headers: _headers, promptUsage: _promptUsage, ...info } = event;
        this.response = merged(this.response, info);
        break;
      }
      case 'text-delta': {
        const last = this.content.at(-1);
        const refusal = event.refusal === true;
        if (last?.type === 'text' && (last.refusal === true) === refusal) last.text += event.delta;
        else this.content.push(refusal ? { type: 'text', text: event.delta, refusal } : { type: 'text', text: event.delta });
        break;
      }
      case 'reasoning-delta': {
        const last = this.content.at(-1);
        const part = last?.type === 'reasoning' ? last : { type: 'reasoning' as const, text: '' };
        if (part !== last) this.content.push(part);
        part.text += event.delta;
        if (event.signature !== undefined) part.signature = event.signature;
        break;
      }
      case 'tool-input-start': {
        const part: ToolCallPart = { type: 'tool-call', toolCallId: event.toolCallId, toolName: event.toolName, input: '' };
        this.toolCalls.set(event.toolCallId, part);
        this.content.push(part);
        break;
      }
      case 'tool-input-delta': {
        const part = this.toolCalls.get(event.toolCallId);
        if (part) part.input += event.delta;
        break;
      }
      case 'logprobs':
        this.logprobs.push(...event.content);
        break;
      case 'finish':
        this.finished = event;
        break;
    }
  }

  /** The whole answer, or undefined while (or if) the stream has not finished. */
  result(): ChatResult | undefined {
    if (!this.finished) return undefined;
    return {
      // Empty text parts come from role-only opening chunks; they are not part of the answer.
      content: this.content.filter((part) => part.type !== 'text' || part.text !== ''),
      finishReason: this.finished.finishReason,
      usage: this.finished.usage,
      ...(this.logprobs.length > 0 ? { logprobs: this.logprobs } : {}),
      response: this.response,
      warnings: this.warnings,
    };
  }
}
