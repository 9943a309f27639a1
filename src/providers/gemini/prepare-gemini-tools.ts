import { reportUnsupportedSetting } from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import type { CallWarning } from '../../spec/chat-result.js';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';
import type { GeminiGenerateContentRequest } from './gemini-api.js';
import { merged } from '../../spec/merged.js';

export type GeminiToolFields = Pick<GeminiGenerateContentRequest, 'tools' | 'toolConfig'>;

/**
 * Converts tool definitions to one `functionDeclarations` tool, and `toolChoice` to
 * `toolConfig.functionCallingConfig`: auto → AUTO, none → NONE, required → ANY,
 * a named tool → ANY restricted by `allowedFunctionNames`.
 * @see https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes
 * @see https://ai.google.dev/api/caching#FunctionCallingConfig
 */
export function prepareGeminiTools(
  call: ChatCall,
  warnings: CallWarning[],
  where: { provider: string; modelId: string },
): GeminiToolFields {
  const tools = call.tools ?? [];
  if (tools.length === 0) {
    if (call.toolChoice !== undefined && call.toolChoice.type !== 'auto' && call.toolChoice.type !== 'none') {
      reportUnsupportedSetting(call, warnings, where, 'toolChoice', 'no tools were given');
    }
    return {};
  }
  if (call.parallelToolCalls === false) {
    // Gemini has no switch for parallel function calls; the model decides.
    reportUnsupportedSetting(call, warnings, where, 'parallelToolCalls');
  }
  const functionDeclarations = tools.map((tool) => {
    const parameters = convertJsonSchemaToGemini(tool.parameters);
    return {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      ...(parameters !== undefined ? { parameters } : {}),
    };
  });
  const fields: GeminiToolFields = { tools: [{ functionDeclarations }] };
  const choice = call.toolChoice;
  if (choice === undefined) return fields;
  switch (choice.type) {
    case 'auto':
      return merged(fields, { toolConfig: { functionCallingConfig: { mode: 'AUTO' } } });
    case 'none':
      return merged(fields, { toolConfig: { functionCallingConfig: { mode: 'NONE' } } });
    case 'required':
      return merged(fields, { toolConfig: { functionCallingConfig: { mode: 'ANY' } } });
    case 'tool':
      return merged(fields, { toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.toolName] } } });
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}
