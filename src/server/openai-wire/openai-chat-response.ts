import type { ChatResult, TokenLogprob } from '../../spec/chat-result.js';
import type { UnifiedFinishReason } from '../../spec/finish-reason.js';
import type { Usage } from '../../spec/usage.js';

/** Identity of the answer, decided by the server (ids, model name shown to the client). */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
  systemFingerprint?: string;
}

/** @see https://platform.openai.com/docs/api-reference/chat/object */
export function toOpenAIChatCompletion(result: ChatResult, identity: ResponseIdentity): Record<string, unknown> {
  let text = '';
  let refusal = '';
  let reasoning = '';
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const part of result.content) {
    if (part.type === 'text') {
      if (part.refusal === true) refusal += part.text;
      else text += part.text;
    } else if (part.type === 'reasoning') reasoning += part.text;
    else toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } });
  }
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text === '' && (toolCalls.length > 0 || refusal !== '') ? null : text,
    refusal: refusal === '' ? null : refusal,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== '') message.reasoning_content = reasoning;
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    ...(identity.systemFingerprint ? { system_fingerprint: identity.systemFingerprint } : {}),
    choices: [
      {
        index: 0,
        message,
        logprobs: result.logprobs ? { content: toOpenAILogprobs(result.logprobs), refusal: null } : null,
        finish_reason: toOpenAIFinishReason(result.finishReason.unified),
      },
    ],
    usage: toOpenAIUsage(result.usage),
  };
}

export function toOpenAIFinishReason(reason: UnifiedFinishReason): string {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function toOpenAIUsage(usage: Usage): Record<string, unknown> {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: usage.cacheReadInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

export function toOpenAILogprobs(logprobs: TokenLogprob[]): Array<Record<string, unknown>> {
  return logprobs.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes ?? null,
    top_logprobs: (entry.topLogprobs ?? []).map((top) => ({ token: top.token, logprob: top.logprob, bytes: top.bytes ?? null })),
  }));
}
