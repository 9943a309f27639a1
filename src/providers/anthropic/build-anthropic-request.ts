import { reportUnsupportedSetting } from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import type { CallWarning } from '../../spec/chat-result.js';
import type { AnthropicMessagesRequest } from './anthropic-api.js';
import { readAnthropicCallOptions } from './anthropic-provider-options.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { prepareAnthropicTools } from './prepare-anthropic-tools.js';

/** Anthropic requires `max_tokens`; this is used when neither the call nor the provider sets one. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export interface AnthropicRequestPlan {
  body: AnthropicMessagesRequest;
  warnings: CallWarning[];
  usesJsonResponseTool: boolean;
}

/** Call settings the Messages API has no equivalent for. */
const UNSUPPORTED_SETTINGS = ['seed', 'frequencyPenalty', 'presencePenalty', 'logprobs', 'topLogprobs', 'reasoningEffort'] as const;

/**
 * Builds the Messages API request body for a ChatCall.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function buildAnthropicRequest(
  modelId: string,
  call: ChatCall,
  options: { provider: string; defaultMaxOutputTokens?: number; stream: boolean },
): AnthropicRequestPlan {
  const prompt = convertToAnthropicMessages(call.messages);
  const tools = prepareAnthropicTools(call);
  const callOptions = readAnthropicCallOptions(call.providerOptions);
  const warnings: CallWarning[] = [];
  const where = { provider: options.provider, modelId };
  // Unsupported settings found while converting go through the shared policy too, so a caller
  // that asked for strictness gets a 400 instead of a warning.
  for (const warning of [...prompt.warnings, ...tools.warnings]) {
    if (warning.type === 'unsupported-setting') reportUnsupportedSetting(call, warnings, where, warning.setting, warning.details);
    else warnings.push(warning);
  }
  for (const setting of UNSUPPORTED_SETTINGS) {
    const value = call[setting];
    // `logprobs: false` asks for nothing, so it is not worth a warning.
    if (value !== undefined && value !== false) reportUnsupportedSetting(call, warnings, where, setting);
  }

  let maxTokens = call.maxOutputTokens ?? options.defaultMaxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  // Explicit provider options win; else the call's provider-neutral budget turns thinking on.
  const thinking = callOptions.thinking ?? (call.reasoningBudgetTokens === undefined ? undefined : { type: 'enabled' as const, budgetTokens: call.reasoningBudgetTokens });
  if (thinking?.type === 'enabled') {
    // The thinking budget is part of max_tokens and must be below it; adding it keeps the
    // caller's limit for the visible answer.
    // @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size
    maxTokens += thinking.budgetTokens;
  }

  const body: AnthropicMessagesRequest = {
    model: modelId,
    max_tokens: maxTokens,
    ...(prompt.system === undefined ? {} : { system: prompt.system }),
    messages: prompt.messages,
    ...(tools.tools === undefined ? {} : { tools: tools.tools }),
    ...(tools.toolChoice === undefined ? {} : { tool_choice: tools.toolChoice }),
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(call.topP === undefined ? {} : { top_p: call.topP }),
    ...(call.topK === undefined ? {} : { top_k: call.topK }),
    ...(call.stopSequences === undefined || call.stopSequences.length === 0 ? {} : { stop_sequences: call.stopSequences }),
    ...(call.user === undefined ? {} : { metadata: { user_id: call.user } }),
    ...(thinking === undefined
      ? {}
      : { thinking: thinking.type === 'enabled' ? { type: 'enabled', budget_tokens: thinking.budgetTokens } : { type: 'disabled' } }),
    ...(options.stream ? { stream: true } : {}),
  };
  return { body, warnings, usesJsonResponseTool: tools.usesJsonResponseTool };
}
