import { randomUUID } from 'node:crypto';
import type { EventSourceMessage } from 'eventsource-parser';
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
  type ProviderSettings,
  type UpstreamRequest,
} from '../../provider-utils/index.js';
import type { ChatCall, ReasoningPart, TextPart, ToolCallPart } from '../../spec/chat-call.js';
import type { CallWarning, ChatResult } from '../../spec/chat-result.js';
import { InvalidProviderResponseError } from '../../spec/errors.js';
import type { LanguageModelAdapter, StreamResult } from '../../spec/language-model-adapter.js';
import { convertGeminiLogprobs } from './convert-gemini-logprobs.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import {
  geminiGenerateContentResponseSchema,
  isPlainGeminiResponse,
  type GeminiGenerateContentRequest,
  type GeminiGenerateContentResponse,
  type GeminiGenerationConfig,
  type GeminiResponsePart,
} from './gemini-api.js';
import { mapGeminiError, mapGeminiStreamError, promptBlockedError, readGeminiErrorBody } from './gemini-error.js';
import { readGeminiCallOptions } from './gemini-provider-options.js';
import { createGeminiStreamMapper } from './gemini-stream-mapper.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { prepareGeminiTools } from './prepare-gemini-tools.js';
import { merged } from '../../spec/merged.js';

export interface GeminiModelConfig extends ProviderSettings {
  /** Makes ids for function calls Gemini sent without one. */
  generateId?: () => string;
}

/**
 * A Gemini model behind `models/{model}:generateContent` and `:streamGenerateContent?alt=sse`.
 * @see https://ai.google.dev/api/generate-content
 */
export class GeminiChatModel implements LanguageModelAdapter {
  readonly specVersion = 'v1';
  readonly providerType = 'gemini';
  readonly provider: string;
  readonly modelId: string;
  private readonly config: GeminiModelConfig;
  private readonly generateId: () => string;

  constructor(modelId: string, config: GeminiModelConfig) {
    this.modelId = modelId;
    this.provider = config.name;
    this.config = config;
    this.generateId = config.generateId ?? generateToolCallId;
  }

  async generate(call: ChatCall): Promise<ChatResult> {
    const { body, warnings } = this.prepareRequest(call);
    const { headers, json } = await postJson(this.upstreamRequest('generateContent', body, call));
    const response = isPlainGeminiResponse(json) ? json : parseProviderResponse(this.provider, geminiGenerateContentResponseSchema, json);
    const candidate = response.candidates?.[0];
    if (candidate === undefined) {
      const blockReason = response.promptFeedback?.blockReason;
      if (blockReason != null) throw promptBlockedError(this.provider, blockReason, json);
      throw new InvalidProviderResponseError(`Upstream ${this.provider} returned no candidates`, { provider: this.provider });
    }
    const content = this.convertParts(candidate.content?.parts ?? []);
    const logprobs = convertGeminiLogprobs(candidate.logprobsResult);
    return {
      content,
      finishReason: mapGeminiFinishReason(
        candidate.finishReason,
        content.some((part) => part.type === 'tool-call'),
      ),
      usage: convertGeminiUsage(response.usageMetadata),
      ...(logprobs !== undefined ? { logprobs } : {}),
      response: merged(responseIdentity(response), { headers: flattenHeaders(headers) }),
      warnings,
    };
  }

  async stream(call: ChatCall): Promise<StreamResult> {
    const { body, warnings } = this.prepareRequest(call);
    const response = await sendUpstream(this.upstreamRequest('streamGenerateContent?alt=sse', body, call));
    const stream = createSseEventStream({
      provider: this.provider,
      body: response.body,
      deadline: response.deadline,
      parseEvent: (message) => this.parseStreamFrame(message),
      mapper: createGeminiStreamMapper({ provider: this.provider, warnings, generateId: this.generateId }),
      ...(call.abortSignal !== undefined ? { abortSignal: call.abortSignal } : {}),
    });
    return { stream, response: { headers: flattenHeaders(response.headers) } };
  }

  /**
   * Builds the GenerateContentRequest.
   * @see https://ai.google.dev/api/generate-content#request-body
   * @see https://ai.google.dev/api/generate-content#generationconfig
   */
  private prepareRequest(call: ChatCall): { body: GeminiGenerateContentRequest; warnings: CallWarning[] } {
    const warnings: CallWarning[] = [];
    const options = readGeminiCallOptions(call.providerOptions);
    if (call.user !== undefined) reportUnsupportedSetting(call, warnings, this, 'user');
    // Gemini's thinking budget is not a level; callers set it with providerOptions.gemini.thinkingConfig.
    if (call.reasoningEffort !== undefined) reportUnsupportedSetting(call, warnings, this, 'reasoningEffort');

    const generationConfig: GeminiGenerationConfig = {
      // One candidate only: the gateway returns one choice, and usage would count every candidate.
      candidateCount: 1,
      maxOutputTokens: call.maxOutputTokens,
      temperature: call.temperature,
      topP: call.topP,
      topK: call.topK,
      stopSequences: call.stopSequences,
      seed: call.seed,
      presencePenalty: call.presencePenalty,
      frequencyPenalty: call.frequencyPenalty,
      ...this.responseFormatConfig(call),
      ...(call.logprobs === true
        ? { responseLogprobs: true, ...(call.topLogprobs !== undefined ? { logprobs: call.topLogprobs } : {}) }
        : {}),
      ...(options.thinkingConfig !== undefined
        ? { thinkingConfig: options.thinkingConfig }
        : call.reasoningBudgetTokens !== undefined
          ? { thinkingConfig: { thinkingBudget: call.reasoningBudgetTokens } }
          : {}),
    };

    const body: GeminiGenerateContentRequest = {
      // A plain field first: a literal that begins with a spread is slow to collect on node 20 (src/spec/merged.ts).
      generationConfig: dropUndefined(generationConfig),
      ...convertToGeminiContents(call.messages, { requiresThoughtSignatures: requiresThoughtSignatures(this.modelId) }),
      ...prepareGeminiTools(call, warnings, this),
      ...(options.safetySettings !== undefined ? { safetySettings: options.safetySettings } : {}),
      ...(options.cachedContent !== undefined ? { cachedContent: options.cachedContent } : {}),
    };
    return { body, warnings };
  }

  /** @see https://ai.google.dev/gemini-api/docs/structured-output */
  private responseFormatConfig(call: ChatCall): GeminiGenerationConfig {
    const format = call.responseFormat;
    if (format === undefined || format.type === 'text') return {};
    if (format.type === 'json') return { responseMimeType: 'application/json' };
    const responseSchema = convertJsonSchemaToGemini(format.schema);
    return { responseMimeType: 'application/json', ...(responseSchema !== undefined ? { responseSchema } : {}) };
  }

  private upstreamRequest(method: string, body: GeminiGenerateContentRequest, call: ChatCall): UpstreamRequest {
    const settings = this.config;
    return {
      provider: this.provider,
      url: joinUrl(settings.baseUrl, `${modelPath(this.modelId)}:${method}`),
      headers: merged<Record<string, string>, Record<string, string> | undefined>(settings.apiKey !== undefined ? { 'x-goog-api-key': settings.apiKey } : {}, merged(settings.headers, call.headers)),
      body,
      mapError: mapGeminiError,
      ...(call.abortSignal !== undefined ? { abortSignal: call.abortSignal } : {}),
      ...(call.waitClock === undefined ? {} : { waitClock: call.waitClock }),
      ...(settings.timeouts !== undefined ? { timeouts: settings.timeouts } : {}),
      ...(settings.dispatcher !== undefined ? { dispatcher: settings.dispatcher } : {}),
    };
  }

  /** Validates one SSE frame; an error Gemini sends inside the stream is thrown as a typed error. */
  private parseStreamFrame(message: EventSourceMessage): GeminiGenerateContentResponse | typeof SKIP_EVENT {
    if (message.data.trim() === '') return SKIP_EVENT;
    const value = parseSseJson(this.provider, message.data);
    if (typeof value === 'object' && value !== null && 'error' in value) {
      const errorBody = readGeminiErrorBody(value);
      if (errorBody !== undefined) throw mapGeminiStreamError(this.provider, errorBody, message.data);
    }
    return isPlainGeminiResponse(value) ? value : parseProviderResponse(this.provider, geminiGenerateContentResponseSchema, value);
  }

  /**
   * Text and thought parts become text and reasoning (adjacent ones joined: Gemini splits text
   * across parts freely); function calls become tool calls.
   */
  private convertParts(parts: GeminiResponsePart[]): Array<TextPart | ToolCallPart | ReasoningPart> {
    const content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
    for (const part of parts) {
      if (part.functionCall != null) {
        content.push({
          type: 'tool-call',
          toolCallId: part.functionCall.id ?? this.generateId(),
          toolName: part.functionCall.name,
          input: JSON.stringify(part.functionCall.args ?? {}),
        });
      } else if (part.text != null && part.text.length > 0) {
        const type = part.thought === true ? 'reasoning' : 'text';
        const last = content.at(-1);
        if (last !== undefined && last.type === type) last.text += part.text;
        else content.push({ type, text: part.text });
      }
    }
    return content;
  }
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash`; full names (`tunedModels/…`) are kept. */
function modelPath(modelId: string): string {
  return modelId.includes('/') ? modelId : `models/${modelId}`;
}

/** Gemini 3 and later validate thought signatures on replayed function calls. */
function requiresThoughtSignatures(modelId: string): boolean {
  const major = /gemini-(\d+)/.exec(modelId)?.[1];
  return major !== undefined && Number(major) >= 3;
}

function responseIdentity(response: GeminiGenerateContentResponse): { id?: string; modelId?: string } {
  const identity: { id?: string; modelId?: string } = {};
  if (response.responseId != null) identity.id = response.responseId;
  if (response.modelVersion != null) identity.modelId = response.modelVersion;
  return identity;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

function generateToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
