import { z } from 'zod';

/**
 * Stored conversations (OpenAI chat messages, as the online evaluator keeps them) turned into
 * the messages of OpenAI's chat fine-tuning format. Stored records are read loosely (only the
 * fields used), and anything that cannot be written faithfully is a reason to skip the sample,
 * never a guess.
 */

export interface FinetuneToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type FinetuneMessage =
  | { role: 'system'; content: string; name?: string }
  | { role: 'user'; content: string; name?: string }
  /** `weight: 0` on earlier assistant turns: only the scored answer is trained on (OpenAI honours `weight`). */
  | { role: 'assistant'; content: string | null; tool_calls?: FinetuneToolCall[]; weight?: 0 }
  | { role: 'tool'; content: string; tool_call_id: string };

/** A tool definition as the request sent it (`{ type: 'function', function: { name, … } }`). */
export type FinetuneTool = Record<string, unknown>;

/** Why a stored conversation cannot become an example. */
export type ConversationProblem = 'malformed' | 'non_text_content' | 'empty_answer' | 'tool_calls_without_tools';

export interface FinetuneConversation {
  /** Everything before the answer. */
  prompt: FinetuneMessage[];
  answer: Extract<FinetuneMessage, { role: 'assistant' }>;
  tools?: FinetuneTool[];
}

let schemas: ReturnType<typeof buildSchemas> | undefined;

/** Built on first use: most CLI runs never read a conversation. */
function buildSchemas() {
  const part = z.looseObject({ type: z.string(), text: z.string().optional() });
  const content = z.union([z.string(), z.array(part), z.null()]).optional();
  const toolCall = z.looseObject({
    id: z.string().min(1),
    type: z.literal('function').optional(),
    function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
  });
  const message = z.looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content,
    name: z.string().min(1).optional(),
    tool_calls: z.array(toolCall).optional(),
    tool_call_id: z.string().min(1).optional(),
  });
  const tool = z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) });
  return { message, messages: z.array(message).min(1), tools: z.array(tool) };
}

type StoredMessage = z.output<ReturnType<typeof buildSchemas>['message']>;

/** Text of a message's content; undefined when it holds anything but text (images, audio, files). */
function textOf(content: StoredMessage['content']): string | undefined {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type !== 'text' || part.text === undefined) return undefined;
    texts.push(part.text);
  }
  // Fine-tuning takes strings everywhere; text parts are one message's consecutive text (joined
  // as the online evaluator joins a call's text parts).
  return texts.join('');
}

function toolCallsOf(message: StoredMessage): FinetuneToolCall[] | undefined {
  if (message.tool_calls === undefined || message.tool_calls.length === 0) return undefined;
  return message.tool_calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }));
}

/** One stored message in fine-tuning form; `history` marks assistant turns before the answer. */
function convertMessage(message: StoredMessage, history: boolean): FinetuneMessage | ConversationProblem {
  const text = textOf(message.content);
  if (text === undefined) return 'non_text_content';
  const name = message.name === undefined ? {} : { name: message.name };
  switch (message.role) {
    case 'system':
    case 'developer':
      // `developer` is the newer name of the system role; fine-tuning files know `system`.
      return { role: 'system', content: text, ...name };
    case 'user':
      return { role: 'user', content: text, ...name };
    case 'tool':
      return message.tool_call_id === undefined ? 'malformed' : { role: 'tool', content: text, tool_call_id: message.tool_call_id };
    case 'assistant': {
      const toolCalls = toolCallsOf(message);
      return {
        role: 'assistant',
        content: text.length === 0 && toolCalls !== undefined ? null : text,
        ...(toolCalls === undefined ? {} : { tool_calls: toolCalls }),
        ...(history ? { weight: 0 as const } : {}),
      };
    }
  }
}

/**
 * The stored conversation, answer and tools as fine-tuning messages, or why not. An answer that
 * calls tools needs the tool definitions: without them the example would teach calls to tools the
 * model was never shown.
 */
export function toFinetuneConversation(messages: unknown, answer: unknown, tools?: unknown): FinetuneConversation | ConversationProblem {
  schemas ??= buildSchemas();
  const parsedMessages = schemas.messages.safeParse(messages);
  const parsedAnswer = schemas.message.safeParse(answer);
  const parsedTools = tools === undefined ? undefined : schemas.tools.safeParse(tools);
  if (!parsedMessages.success || !parsedAnswer.success || parsedAnswer.data.role !== 'assistant' || parsedTools?.success === false) return 'malformed';
  if (!parsedMessages.data.some((message) => message.role === 'user')) return 'malformed';
  const prompt: FinetuneMessage[] = [];
  for (const message of parsedMessages.data) {
    const converted = convertMessage(message, true);
    if (typeof converted === 'string') return converted;
    prompt.push(converted);
  }
  const converted = convertMessage(parsedAnswer.data, false);
  if (typeof converted === 'string') return converted;
  if (converted.role !== 'assistant') return 'malformed';
  if (converted.content !== null && converted.content.trim().length === 0 && converted.tool_calls === undefined) return 'empty_answer';
  const toolList = parsedTools?.data;
  if (converted.tool_calls !== undefined && (toolList === undefined || toolList.length === 0)) return 'tool_calls_without_tools';
  return { prompt, answer: converted, ...(toolList === undefined || toolList.length === 0 ? {} : { tools: toolList }) };
}
