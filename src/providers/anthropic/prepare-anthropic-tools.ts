import type { ChatCall, ToolDefinition } from '../../spec/chat-call.js';
import type { CallWarning } from '../../spec/chat-result.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-api.js';
import { readAnthropicCacheControl } from './anthropic-provider-options.js';
import { merged } from '../../spec/merged.js';

/** The tool that stands in for JSON mode; its input is the answer. */
export const JSON_RESPONSE_TOOL_NAME = 'json';

export interface PreparedAnthropicTools {
  tools: AnthropicTool[] | undefined;
  toolChoice: AnthropicToolChoice | undefined;
  /** True when the `json` tool was added: its `tool_use` input is returned as text. */
  usesJsonResponseTool: boolean;
  warnings: CallWarning[];
}

/** Any JSON object: what plain `json` mode (no schema) promises. */
const ANY_OBJECT_SCHEMA = { type: 'object', additionalProperties: true };

/**
 * Maps tool definitions, tool choice and JSON output. Anthropic has no JSON mode, so JSON output
 * is requested the well-known way: a tool named `json` whose input schema is the wanted schema,
 * which the model is made to call.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/tool-use#json-mode
 * @see https://docs.anthropic.com/en/api/messages#body-tool-choice
 */
export function prepareAnthropicTools(
  call: Pick<ChatCall, 'tools' | 'toolChoice' | 'parallelToolCalls' | 'responseFormat'>,
): PreparedAnthropicTools {
  const warnings: CallWarning[] = [];
  const userTools = (call.tools ?? []).map((tool, index) => convertTool(tool, index, warnings));
  const responseFormat = call.responseFormat;
  const jsonTool: AnthropicTool | undefined =
    responseFormat?.type === 'json' || responseFormat?.type === 'json-schema'
      ? {
          name: JSON_RESPONSE_TOOL_NAME,
          description: (responseFormat.type === 'json-schema' ? responseFormat.description : undefined) ?? 'Respond with a JSON object.',
          input_schema: responseFormat.type === 'json-schema' ? responseFormat.schema : ANY_OBJECT_SCHEMA,
        }
      : undefined;

  if (jsonTool !== undefined && userTools.some((tool) => tool.name === JSON_RESPONSE_TOOL_NAME)) {
    throw new InvalidRequestError(
      `A tool named "${JSON_RESPONSE_TOOL_NAME}" cannot be combined with a JSON response format on Anthropic, which uses that name for JSON output.`,
      { param: 'tools' },
    );
  }

  const tools = jsonTool === undefined ? userTools : [...userTools, jsonTool];
  if (tools.length === 0) {
    if (call.toolChoice?.type === 'required' || call.toolChoice?.type === 'tool') {
      throw new InvalidRequestError(`tool_choice "${call.toolChoice.type}" needs at least one tool.`, { param: 'tool_choice' });
    }
    return { tools: undefined, toolChoice: undefined, usesJsonResponseTool: false, warnings };
  }

  let toolChoice = mapToolChoice(call.toolChoice);
  if (jsonTool !== undefined) {
    // With no usable user tools the answer must be the json tool; with user tools the model may
    // call one of them or answer through the json tool, but must not answer in free text.
    if (userTools.length === 0 || call.toolChoice?.type === 'none') toolChoice = { type: 'tool', name: JSON_RESPONSE_TOOL_NAME };
    else if (call.toolChoice?.type !== 'tool') toolChoice = { type: 'any' };
  }
  if (call.parallelToolCalls === false) {
    toolChoice ??= { type: 'auto' };
    if (toolChoice.type !== 'none') toolChoice = merged(toolChoice, { disable_parallel_tool_use: true });
  }
  return { tools, toolChoice, usesJsonResponseTool: jsonTool !== undefined, warnings };
}

function convertTool(tool: ToolDefinition, index: number, warnings: CallWarning[]): AnthropicTool {
  if (tool.strict === true && !warnings.some((warning) => warning.type === 'unsupported-setting' && warning.setting === 'tools[].strict')) {
    warnings.push({ type: 'unsupported-setting', setting: 'tools[].strict' });
  }
  const cacheControl = readAnthropicCacheControl(tool.providerOptions, `tools[${index}]`);
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters,
    ...(cacheControl === undefined ? {} : { cache_control: cacheControl }),
  };
}

/**
 * `none` is sent as `{type:'none'}` rather than by dropping the tools: a conversation that holds
 * `tool_use` blocks must still define its tools, and unchanged tools keep the prompt cache warm.
 */
function mapToolChoice(toolChoice: ChatCall['toolChoice']): AnthropicToolChoice | undefined {
  switch (toolChoice?.type) {
    case undefined:
      return undefined;
    case 'auto':
      return { type: 'auto' };
    case 'required':
      return { type: 'any' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: toolChoice.toolName };
  }
}
