import {
  createSseEventStream,
  flattenHeaders,
  joinUrl,
  parseProviderResponse,
  parseSseJson,
  postJson,
  reportUnsupportedSetting,
  sendUpstream,
  SKIP_EVENT,
  streamEndedEarly,
  type EmitEvent,
  type ProviderSettings,
  type StreamChunkMapper,
} from '../../provider-utils/index.js';
import type { ChatCall, ToolCallPart, TextPart, ReasoningPart } from '../../spec/chat-call.js';
import type { CallWarning, ChatResult, TokenLogprob } from '../../spec/chat-result.js';
import type { LanguageModelAdapter, StreamResult } from '../../spec/language-model-adapter.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import type { Usage } from '../../spec/usage.js';
import {
  isPlainTextChunk,
  openAIChatChunkSchema,
  openAIChatResponseSchema,
  isPlainChatResponse,
  type OpenAIChatChunk,
  type OpenAIUsage,
} from './openai-compatible-api.js';
import { convertToOpenAICompatibleMessages, extraBodyFields } from './convert-to-openai-compatible-messages.js';
import { mapOpenAICompatibleError, readOpenAIStreamError } from './openai-compatible-error.js';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.js';
import type { OpenAICompatibleProfile } from './openai-compatible-profile.js';
import { merged } from '../../spec/merged.js';

const RESERVED_BODY_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options']);

export interface OpenAICompatibleChatSettings extends ProviderSettings {
  profile: OpenAICompatibleProfile;
}

/**
 * The Chat Completions adapter shared by OpenAI and every OpenAI-compatible server; what differs
 * between servers is the profile.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export class OpenAICompatibleChatModel implements LanguageModelAdapter {
  readonly specVersion = 'v1';
  readonly provider: string;
  readonly providerType: string;
  private readonly url: string;
  private readonly baseHeaders: Record<string, string>;

  constructor(
    readonly modelId: string,
    private readonly settings: OpenAICompatibleChatSettings,
  ) {
    this.provider = settings.name;
    this.providerType = settings.profile.type;
    this.url = joinUrl(settings.baseUrl, 'chat/completions');
    this.baseHeaders = merged(authHeaders(settings), { ...settings.headers });
  }

  async generate(call: ChatCall): Promise<ChatResult> {
    const { body, warnings } = this.buildRequestBody(call, false);
    const { headers, json } = await postJson({
      provider: this.provider,
      url: this.url,
      headers: call.headers ? merged(this.baseHeaders, call.headers) : this.baseHeaders,
      body,
      abortSignal: call.abortSignal,
      waitClock: call.waitClock,
      timeouts: this.settings.timeouts,
      dispatcher: this.settings.dispatcher,
      mapError: mapOpenAICompatibleError,
    });
    const response = isPlainChatResponse(json) ? json : parseProviderResponse(this.provider, openAIChatResponseSchema, json);
    const choice = response.choices[0]!;
    const content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
    const reasoning = choice.message.reasoning_content || choice.message.reasoning;
    if (reasoning) content.push({ type: 'reasoning', text: reasoning });
    if (choice.message.content) content.push({ type: 'text', text: choice.message.content });
    // A refusal stays one (OpenAI SDKs read `message.refusal`; `parse()` must not see it as JSON content).
    if (choice.message.refusal) content.push({ type: 'text', text: choice.message.refusal, refusal: true });
    for (const [index, toolCall] of (choice.message.tool_calls ?? []).entries()) {
      content.push({
        type: 'tool-call',
        toolCallId: toolCall.id ?? `call_${index}`,
        toolName: toolCall.function.name,
        input: toolCall.function.arguments ?? '{}',
      });
    }
    const result: ChatResult = {
      content,
      finishReason: mapOpenAICompatibleFinishReason(choice.finish_reason),
      usage: convertOpenAIUsage(response.usage),
      response: {
        id: response.id ?? undefined,
        modelId: response.model ?? undefined,
        created: response.created ?? undefined,
        systemFingerprint: response.system_fingerprint ?? undefined,
        headers: flattenHeaders(headers),
      },
      warnings,
    };
    const logprobs = convertLogprobs(choice.logprobs?.content);
    if (logprobs) result.logprobs = logprobs;
    return result;
  }

  async stream(call: ChatCall): Promise<StreamResult> {
    const { body, warnings } = this.buildRequestBody(call, true);
    const response = await sendUpstream({
      provider: this.provider,
      url: this.url,
      headers: call.headers ? merged(this.baseHeaders, call.headers) : this.baseHeaders,
      body,
      abortSignal: call.abortSignal,
      waitClock: call.waitClock,
      timeouts: this.settings.timeouts,
      dispatcher: this.settings.dispatcher,
      mapError: mapOpenAICompatibleError,
    });
    const provider = this.provider;
    const stream = createSseEventStream<OpenAIChatChunk | 'done'>({
      provider,
      body: response.body,
      deadline: response.deadline,
      abortSignal: call.abortSignal,
      parseEvent(message) {
        if (message.data === '[DONE]') return 'done';
        if (message.data.trim() === '') return SKIP_EVENT;
        const json = parseSseJson(provider, message.data);
        // vLLM and hosted APIs report failures mid-stream as a data frame carrying an error body.
        const streamError = readOpenAIStreamError(provider, json, message.data);
        if (streamError) throw streamError;
        return isPlainTextChunk(json) ? json : parseProviderResponse(provider, openAIChatChunkSchema, json);
      },
      mapper: new OpenAICompatibleStreamMapper(provider, warnings),
    });
    return { stream, response: { headers: flattenHeaders(response.headers) } };
  }

  private buildRequestBody(call: ChatCall, stream: boolean): { body: Record<string, unknown>; warnings: CallWarning[] } {
    const profile = this.settings.profile;
    const warnings: CallWarning[] = [];
    const where = { provider: this.provider, modelId: this.modelId };
    const unsupported = (setting: string, details?: string) => reportUnsupportedSetting(call, warnings, where, setting, details);
    const body: Record<string, unknown> = {
      model: this.modelId,
      messages: convertToOpenAICompatibleMessages(call.messages),
    };
    if (call.maxOutputTokens !== undefined) body[profile.maxTokensField] = call.maxOutputTokens;
    if (call.temperature !== undefined) body.temperature = call.temperature;
    // OpenAI-style APIs take an effort level, not a token budget.
    if (call.reasoningBudgetTokens !== undefined) unsupported('reasoningBudgetTokens');
    if (call.topP !== undefined) body.top_p = call.topP;
    if (call.topK !== undefined) {
      if (profile.supportsTopK) body.top_k = call.topK;
      else unsupported('topK');
    }
    if (call.frequencyPenalty !== undefined) {
      if (profile.supportsPenalties) body.frequency_penalty = call.frequencyPenalty;
      else unsupported('frequencyPenalty');
    }
    if (call.presencePenalty !== undefined) {
      if (profile.supportsPenalties) body.presence_penalty = call.presencePenalty;
      else unsupported('presencePenalty');
    }
    if (call.stopSequences && call.stopSequences.length > 0) body.stop = call.stopSequences;
    if (call.seed !== undefined) {
      if (profile.supportsSeed) body.seed = call.seed;
      else unsupported('seed');
    }
    if (call.logprobs) {
      if (profile.supportsLogprobs) {
        body.logprobs = true;
        if (call.topLogprobs !== undefined) body.top_logprobs = call.topLogprobs;
      } else unsupported('logprobs');
    }
    if (call.user !== undefined) body.user = call.user;
    if (call.reasoningEffort !== undefined) body.reasoning_effort = call.reasoningEffort;
    if (call.tools && call.tools.length > 0) {
      body.tools = call.tools.map((tool) => ({
        type: 'function',
        function: {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parameters: tool.parameters,
          ...(tool.strict === undefined ? {} : { strict: tool.strict }),
        },
      }));
      if (call.toolChoice) {
        body.tool_choice =
          call.toolChoice.type === 'tool' ? { type: 'function', function: { name: call.toolChoice.toolName } } : call.toolChoice.type;
      }
      if (call.parallelToolCalls !== undefined) {
        if (profile.supportsParallelToolCalls) body.parallel_tool_calls = call.parallelToolCalls;
        else if (call.parallelToolCalls === false) unsupported('parallelToolCalls');
      }
    }
    const format = call.responseFormat;
    if (format?.type === 'json') body.response_format = { type: 'json_object' };
    else if (format?.type === 'json-schema') {
      if (profile.supportsJsonSchema) {
        body.response_format = {
          type: 'json_schema',
          json_schema: {
            name: format.name,
            schema: format.schema,
            ...(format.description === undefined ? {} : { description: format.description }),
            ...(format.strict === undefined ? {} : { strict: format.strict }),
          },
        };
      } else {
        unsupported('responseFormat', 'json_schema; falling back to json_object');
        body.response_format = { type: 'json_object' };
      }
    }
    if (stream) {
      body.stream = true;
      if (profile.supportsStreamUsage) body.stream_options = { include_usage: true };
    }
    for (const [key, value] of Object.entries(extraBodyFields(call.providerOptions?.[profile.type]))) {
      // Provider options add fields; they never replace the ones the gateway is responsible for.
      if (!RESERVED_BODY_FIELDS.has(key)) body[key] = value;
    }
    return { body, warnings };
  }
}

function authHeaders(settings: ProviderSettings & { profile: OpenAICompatibleProfile }): Record<string, string> {
  if (!settings.apiKey) return {};
  return settings.profile.authHeader === 'api-key' ? { 'api-key': settings.apiKey } : { authorization: `Bearer ${settings.apiKey}` };
}

/** @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage */
export function convertOpenAIUsage(usage: OpenAIUsage): Usage {
  if (!usage) return { inputTokens: undefined, outputTokens: undefined };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? undefined;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? undefined;
  return {
    inputTokens: usage.prompt_tokens ?? undefined,
    outputTokens: usage.completion_tokens ?? undefined,
    ...(cached === undefined ? {} : { cacheReadInputTokens: cached }),
    ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }),
    raw: usage,
  };
}

type WireLogprob = { token: string; logprob: number; bytes?: number[] | null | undefined; top_logprobs?: WireLogprob[] | null | undefined };

function convertLogprobs(content: WireLogprob[] | null | undefined): TokenLogprob[] | undefined {
  if (!content) return undefined;
  return content.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes ?? null,
    topLogprobs: (entry.top_logprobs ?? []).map((top) => ({ token: top.token, logprob: top.logprob, bytes: top.bytes ?? null })),
  }));
}

/** Maps Chat Completions chunks to StreamEvents. Tool-call deltas are keyed by their `index`. */
class OpenAICompatibleStreamMapper implements StreamChunkMapper<OpenAIChatChunk | 'done'> {
  private finishReason: FinishReason | undefined;
  private usage: Usage = { inputTokens: undefined, outputTokens: undefined };
  private sentMetadata = false;
  private done = false;
  private readonly toolCallIds = new Map<number, string>();

  constructor(
    private readonly provider: string,
    private readonly warnings: CallWarning[],
  ) {}

  start(emit: EmitEvent): void {
    emit({ type: 'stream-start', warnings: this.warnings });
  }

  transform(chunk: OpenAIChatChunk | 'done', emit: EmitEvent): void {
    if (chunk === 'done') {
      this.done = true;
      return;
    }
    if (!this.sentMetadata && (chunk.id || chunk.model)) {
      this.sentMetadata = true;
      emit({
        type: 'response-metadata',
        id: chunk.id ?? undefined,
        modelId: chunk.model ?? undefined,
        created: chunk.created ?? undefined,
        systemFingerprint: chunk.system_fingerprint ?? undefined,
      });
    }
    if (chunk.usage) this.usage = convertOpenAIUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    const reasoning = delta?.reasoning_content || delta?.reasoning;
    if (reasoning) emit({ type: 'reasoning-delta', delta: reasoning });
    if (delta?.content) emit({ type: 'text-delta', delta: delta.content });
    // A refusal streams as refusal text, as `generate` keeps it; dropping it would stream an empty reply.
    if (delta?.refusal) emit({ type: 'text-delta', delta: delta.refusal, refusal: true });
    for (const toolDelta of delta?.tool_calls ?? []) {
      const index = toolDelta.index ?? this.toolCallIds.size;
      let toolCallId = this.toolCallIds.get(index);
      if (toolCallId === undefined) {
        toolCallId = toolDelta.id ?? `call_${index}`;
        this.toolCallIds.set(index, toolCallId);
        emit({ type: 'tool-input-start', toolCallId, toolName: toolDelta.function?.name ?? '' });
      }
      if (toolDelta.function?.arguments) emit({ type: 'tool-input-delta', toolCallId, delta: toolDelta.function.arguments });
    }
    const logprobs = convertLogprobs(choice.logprobs?.content);
    if (logprobs && logprobs.length > 0) emit({ type: 'logprobs', content: logprobs });
    if (choice.finish_reason) this.finishReason = mapOpenAICompatibleFinishReason(choice.finish_reason);
  }

  flush(emit: EmitEvent): void {
    // Servers that omit `[DONE]` still end with a finish_reason; no finish_reason and no [DONE] is a cut stream.
    if (!this.finishReason && !this.done) throw streamEndedEarly(this.provider);
    emit({ type: 'finish', finishReason: this.finishReason ?? { unified: 'other', raw: undefined }, usage: this.usage });
  }
}
