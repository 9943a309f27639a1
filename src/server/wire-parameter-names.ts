/**
 * Adapters name unsupported settings by their ChatCall names; clients know them by their wire
 * names. These tables translate, so an error names the field the client actually sent.
 */
export const OPENAI_PARAMETER_NAMES: Readonly<Record<string, string>> = {
  maxOutputTokens: 'max_tokens',
  topP: 'top_p',
  topK: 'top_k',
  frequencyPenalty: 'frequency_penalty',
  presencePenalty: 'presence_penalty',
  stopSequences: 'stop',
  topLogprobs: 'top_logprobs',
  parallelToolCalls: 'parallel_tool_calls',
  responseFormat: 'response_format',
  toolChoice: 'tool_choice',
  reasoningEffort: 'reasoning_effort',
};

export const ANTHROPIC_PARAMETER_NAMES: Readonly<Record<string, string>> = {
  maxOutputTokens: 'max_tokens',
  topP: 'top_p',
  topK: 'top_k',
  stopSequences: 'stop_sequences',
  parallelToolCalls: 'tool_choice.disable_parallel_tool_use',
  responseFormat: 'output_config.format',
  toolChoice: 'tool_choice',
  user: 'metadata.user_id',
  reasoningBudgetTokens: 'thinking.budget_tokens',
};

/** Rewrites a message and param from ChatCall names to wire names. */
export function toWireParameter(
  names: Readonly<Record<string, string>>,
  message: string,
  param: string | undefined,
): { message: string; param: string | undefined } {
  const wire = param === undefined ? undefined : names[param];
  if (wire === undefined || param === undefined) return { message, param };
  return { message: message.replaceAll(`'${param}'`, `'${wire}'`), param: wire };
}
