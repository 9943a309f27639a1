import type {
  AssistantMessage,
  ChatCall,
  ChatMessage,
  JsonObject,
  ResponseFormat,
  ToolChoice,
  UserMessage,
} from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { OpenAIChatRequest, OpenAIMessage } from './openai-chat-request-schema.js';

/** What the server needs besides the ChatCall: how to route and how to answer. */
export interface OpenAIChatRequestMeta {
  model: string;
  stream: boolean;
  includeUsage: boolean;
}

/** Converts a validated Chat Completions request into a provider-neutral ChatCall. */
export function convertOpenAIChatRequest(request: OpenAIChatRequest): { call: ChatCall; meta: OpenAIChatRequestMeta } {
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw new InvalidRequestError(`Only n=1 is supported; got n=${request.n}.`, { param: 'n', code: 'unsupported_parameter' });
  }
  if (request.logit_bias && Object.keys(request.logit_bias).length > 0) {
    throw new InvalidRequestError('logit_bias is not supported by the gateway (token ids differ between models).', {
      param: 'logit_bias',
      code: 'unsupported_parameter',
    });
  }
  const call: ChatCall = { messages: convertMessages(request.messages) };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) call.maxOutputTokens = maxTokens;
  if (request.temperature != null) call.temperature = request.temperature;
  if (request.top_p != null) call.topP = request.top_p;
  if (request.top_k != null) call.topK = request.top_k;
  if (request.frequency_penalty != null) call.frequencyPenalty = request.frequency_penalty;
  if (request.presence_penalty != null) call.presencePenalty = request.presence_penalty;
  if (request.seed != null) call.seed = request.seed;
  if (request.stop != null) call.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.logprobs) {
    call.logprobs = true;
    if (request.top_logprobs != null) call.topLogprobs = request.top_logprobs;
  } else if (request.top_logprobs != null && request.top_logprobs > 0) {
    throw new InvalidRequestError("'top_logprobs' requires 'logprobs' to be true.", { param: 'top_logprobs' });
  }
  if (request.user != null) call.user = request.user;
  if (request.tools && request.tools.length > 0) {
    call.tools = request.tools.map((tool) => ({
      type: 'function' as const,
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      parameters: (tool.function.parameters ?? { type: 'object', properties: {} }) as JsonObject,
      ...(tool.function.strict == null ? {} : { strict: tool.function.strict }),
    }));
  }
  if (request.tool_choice != null) {
    if (!call.tools) throw new InvalidRequestError("'tool_choice' is only allowed when 'tools' are specified.", { param: 'tool_choice' });
    call.toolChoice = convertToolChoice(request.tool_choice, call.tools.map((tool) => tool.name));
  }
  if (request.parallel_tool_calls != null) call.parallelToolCalls = request.parallel_tool_calls;
  const format = convertResponseFormat(request.response_format);
  if (format) call.responseFormat = format;
  if (request.reasoning_effort != null) call.reasoningEffort = request.reasoning_effort;
  const stream = request.stream === true;
  return {
    call,
    meta: { model: request.model, stream, includeUsage: stream && request.stream_options?.include_usage === true },
  };
}

function convertToolChoice(choice: NonNullable<OpenAIChatRequest['tool_choice']>, toolNames: string[]): ToolChoice {
  if (typeof choice === 'string') return { type: choice };
  if (!toolNames.includes(choice.function.name)) {
    throw new InvalidRequestError(`tool_choice names function '${choice.function.name}', which is not in 'tools'.`, {
      param: 'tool_choice.function.name',
    });
  }
  return { type: 'tool', toolName: choice.function.name };
}

function convertResponseFormat(format: OpenAIChatRequest['response_format']): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json' };
  const schema = format.json_schema;
  return {
    type: 'json-schema',
    name: schema.name,
    schema: (schema.schema ?? { type: 'object' }) as JsonObject,
    ...(schema.description === undefined ? {} : { description: schema.description }),
    ...(schema.strict == null ? {} : { strict: schema.strict }),
  };
}

function textOf(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function convertMessages(messages: OpenAIMessage[]): ChatMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index): ChatMessage => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: [{ type: 'text', text: textOf(message.content) }] };
      case 'user': {
        const content: UserMessage['content'] =
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : message.content.map((part, partIndex) => {
                if (part.type === 'text') return { type: 'text' as const, text: part.text };
                if (part.type === 'image_url') {
                  return { type: 'image' as const, url: part.image_url.url, ...(part.image_url.detail ? { detail: part.image_url.detail } : {}) };
                }
                throw new InvalidRequestError(`Content part type '${part.type}' is not supported by the gateway.`, {
                  param: `messages[${index}].content[${partIndex}].type`,
                  code: 'unsupported_parameter',
                });
              });
        return message.name === undefined ? { role: 'user', content } : { role: 'user', content, name: message.name };
      }
      case 'assistant': {
        const content: AssistantMessage['content'] = [];
        if (message.reasoning_content) content.push({ type: 'reasoning', text: message.reasoning_content });
        if (typeof message.content === 'string') {
          if (message.content !== '') content.push({ type: 'text', text: message.content });
        } else if (message.content) {
          for (const part of message.content) content.push({ type: 'text', text: part.type === 'text' ? part.text : part.refusal });
        }
        for (const toolCall of message.tool_calls ?? []) {
          toolNames.set(toolCall.id, toolCall.function.name);
          content.push({ type: 'tool-call', toolCallId: toolCall.id, toolName: toolCall.function.name, input: toolCall.function.arguments });
        }
        return { role: 'assistant', content };
      }
      case 'tool': {
        const toolName = toolNames.get(message.tool_call_id);
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: message.tool_call_id,
              output: textOf(message.content),
              ...(toolName === undefined ? {} : { toolName }),
            },
          ],
        };
      }
    }
  });
}
