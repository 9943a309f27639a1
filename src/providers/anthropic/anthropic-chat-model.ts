import {
  createSseEventStream,
  flattenHeaders,
  joinUrl,
  parseProviderResponse,
  postJson,
  sendUpstream,
  type ProviderSettings,
  type UpstreamRequest,
} from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import type { LanguageModelAdapter, StreamResult } from '../../spec/language-model-adapter.js';
import {
  anthropicMessagesResponseSchema,
  isPlainAnthropicResponse,
  type AnthropicMessagesRequest,
  type AnthropicMessagesResponse,
} from './anthropic-api.js';
import { mapAnthropicError } from './anthropic-error.js';
import { createAnthropicStreamMapper, parseAnthropicStreamEvent } from './anthropic-stream-mapper.js';
import { buildAnthropicRequest } from './build-anthropic-request.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { JSON_RESPONSE_TOOL_NAME } from './prepare-anthropic-tools.js';

/** @see https://docs.anthropic.com/en/api/versioning */
export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicSettings extends ProviderSettings {
  /** `max_tokens` when a call sets no limit (Anthropic requires one). Defaults to 4096. */
  defaultMaxOutputTokens?: number;
}

/**
 * One Claude model behind the Messages API.
 * @see https://docs.anthropic.com/en/api/messages
 */
export class AnthropicChatModel implements LanguageModelAdapter {
  readonly specVersion = 'v1';
  readonly providerType = 'anthropic';
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly settings: AnthropicSettings,
  ) {
    this.provider = settings.name;
  }

  async generate(call: ChatCall): Promise<ChatResult> {
    const plan = buildAnthropicRequest(this.modelId, call, {
      provider: this.provider,
      defaultMaxOutputTokens: this.settings.defaultMaxOutputTokens,
      stream: false,
    });
    const { headers, json } = await postJson(this.upstreamRequest(plan.body, call));
    const response = isPlainAnthropicResponse(json) ? json : parseProviderResponse(this.provider, anthropicMessagesResponseSchema, json);
    const { content, calledUserTool } = convertResponseContent(response, plan.usesJsonResponseTool);
    return {
      content,
      finishReason: mapAnthropicStopReason(response.stop_reason, { isJsonResponse: plan.usesJsonResponseTool && !calledUserTool }),
      usage: convertAnthropicUsage(response.usage),
      // A plain field first: a literal that begins with a spread is slow to collect on node 20 (src/spec/merged.ts).
      response: {
        headers: flattenHeaders(headers),
        ...(response.id ? { id: response.id } : {}),
        ...(response.model ? { modelId: response.model } : {}),
      },
      warnings: plan.warnings,
    };
  }

  async stream(call: ChatCall): Promise<StreamResult> {
    const plan = buildAnthropicRequest(this.modelId, call, {
      provider: this.provider,
      defaultMaxOutputTokens: this.settings.defaultMaxOutputTokens,
      stream: true,
    });
    const response = await sendUpstream(this.upstreamRequest(plan.body, call));
    const provider = this.provider;
    const stream = createSseEventStream({
      provider,
      body: response.body,
      deadline: response.deadline,
      parseEvent: (message) => parseAnthropicStreamEvent(provider, message),
      mapper: createAnthropicStreamMapper({ provider, warnings: plan.warnings, usesJsonResponseTool: plan.usesJsonResponseTool }),
      ...(call.abortSignal === undefined ? {} : { abortSignal: call.abortSignal }),
    });
    return { stream, response: { headers: flattenHeaders(response.headers) } };
  }

  private upstreamRequest(body: AnthropicMessagesRequest, call: ChatCall): UpstreamRequest {
    return {
      provider: this.provider,
      url: joinUrl(this.settings.baseUrl, 'messages'),
      headers: {
        'anthropic-version': ANTHROPIC_VERSION,
        ...(this.settings.apiKey === undefined ? {} : { 'x-api-key': this.settings.apiKey }),
        ...this.settings.headers,
        ...call.headers,
      },
      body,
      ...(call.abortSignal === undefined ? {} : { abortSignal: call.abortSignal }),
      ...(call.waitClock === undefined ? {} : { waitClock: call.waitClock }),
      ...(this.settings.timeouts === undefined ? {} : { timeouts: this.settings.timeouts }),
      ...(this.settings.dispatcher === undefined ? {} : { dispatcher: this.settings.dispatcher }),
      mapError: mapAnthropicError,
    };
  }
}

/** Turns response content blocks into parts; the `json` tool's input becomes the answer text. */
function convertResponseContent(
  response: AnthropicMessagesResponse,
  usesJsonResponseTool: boolean,
): { content: ChatResult['content']; calledUserTool: boolean } {
  const content: ChatResult['content'] = [];
  let calledUserTool = false;
  for (const block of response.content) {
    if ('text' in block && block.type === 'text') {
      content.push({ type: 'text', text: block.text });
    } else if ('input' in block && block.type === 'tool_use') {
      const input = JSON.stringify(block.input ?? {});
      if (usesJsonResponseTool && block.name === JSON_RESPONSE_TOOL_NAME) {
        content.push({ type: 'text', text: input });
      } else {
        calledUserTool = true;
        content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input });
      }
    } else if ('thinking' in block && block.type === 'thinking') {
      content.push({ type: 'reasoning', text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) });
    }
    // Other block types (redacted thinking, server tool results) have no ChatResult part.
  }
  return { content, calledUserTool };
}
