import type { ChatMessage, ImagePart, JsonObject, ToolCallPart, ToolResultPart } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiRequestPart } from './gemini-api.js';

/**
 * Documented value for replaying a `functionCall` part whose thought signature the client lost.
 * Gemini 3 and later reject function calls of the current turn that carry no `thoughtSignature`;
 * our public wire formats (OpenAI's especially) have nowhere to keep it, so we send this.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

export interface ConvertToGeminiContentsOptions {
  /** Whether the model validates thought signatures on replayed function calls (Gemini 3+). */
  requiresThoughtSignatures: boolean;
}

export type GeminiPrompt = Pick<GeminiGenerateContentRequest, 'contents' | 'systemInstruction'>;

/**
 * Converts the chat history to Gemini `contents` and `systemInstruction`.
 * - System messages become `systemInstruction`; Gemini has one, so all of them are gathered there.
 * - user → `user`, assistant → `model`, tool results → `user` with `functionResponse` parts.
 * - Consecutive contents of the same role are merged: Gemini expects turns to alternate, and all
 *   function responses of a turn in one content.
 * - Reasoning parts are not sent back: Gemini does not take thought text as input; what it
 *   validates is the thought signature (see SKIP_THOUGHT_SIGNATURE_VALIDATOR).
 * @see https://ai.google.dev/api/generate-content#request-body
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 */
export function convertToGeminiContents(messages: ChatMessage[], options: ConvertToGeminiContentsOptions): GeminiPrompt {
  const systemParts: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();

  const append = (role: GeminiContent['role'], parts: GeminiRequestPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, messageIndex) => {
    const where = `messages[${messageIndex}]`;
    switch (message.role) {
      case 'system':
        for (const part of message.content) systemParts.push({ text: part.text });
        break;
      case 'user':
        append(
          'user',
          message.content.map((part, partIndex) =>
            part.type === 'text' ? { text: part.text } : convertImage(part, `${where}.content[${partIndex}]`),
          ),
        );
        break;
      case 'assistant': {
        const parts: GeminiRequestPart[] = [];
        message.content.forEach((part, partIndex) => {
          if (part.type === 'text') {
            if (part.text.length > 0) parts.push({ text: part.text });
          } else if (part.type === 'tool-call') {
            toolNames.set(part.toolCallId, part.toolName);
            parts.push(convertToolCall(part, `${where}.content[${partIndex}]`, options));
          }
        });
        append('model', parts);
        break;
      }
      case 'tool':
        append(
          'user',
          message.content.map((part, partIndex) => convertToolResult(part, toolNames, `${where}.content[${partIndex}]`)),
        );
        break;
    }
  });

  return {
    contents,
    ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}),
  };
}

function convertToolCall(part: ToolCallPart, where: string, options: ConvertToGeminiContentsOptions): GeminiRequestPart {
  const args = parseToolArguments(part.input, where);
  return {
    functionCall: { id: part.toolCallId, name: part.toolName, args },
    ...(options.requiresThoughtSignatures ? { thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR } : {}),
  };
}

/**
 * Gemini's `functionResponse.response` is a JSON object: the output goes under `content`, or under
 * `error` for a failed call, as the docs suggest for reporting failures to the model.
 * The OpenAI wire format does not carry the tool name, so it is looked up from the call.
 * @see https://ai.google.dev/api/caching#FunctionResponse
 */
function convertToolResult(part: ToolResultPart, toolNames: Map<string, string>, where: string): GeminiRequestPart {
  const name = part.toolName ?? toolNames.get(part.toolCallId);
  if (name === undefined) {
    throw new InvalidRequestError(
      `Tool result ${part.toolCallId} does not answer any earlier assistant tool call, and Gemini needs the tool's name.`,
      { param: `${where}.tool_call_id` },
    );
  }
  const response: JsonObject = part.isError === true ? { error: part.output } : { content: part.output };
  return { functionResponse: { id: part.toolCallId, name, response } };
}

function parseToolArguments(input: string, where: string): JsonObject {
  if (input.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw new InvalidRequestError(`The arguments of tool call at ${where} are not valid JSON.`, { param: `${where}.arguments` });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError(`The arguments of tool call at ${where} must be a JSON object.`, { param: `${where}.arguments` });
  }
  return value as JsonObject;
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/**
 * `data:` URLs become `inlineData`; other URLs become `fileData`, which needs a MIME type: it is
 * guessed from the file extension, else `image/jpeg` (what Gemini's own SDKs assume for `image/*`).
 * @see https://ai.google.dev/gemini-api/docs/image-understanding
 */
function convertImage(part: ImagePart, where: string): GeminiRequestPart {
  if (part.url.startsWith('data:')) {
    const match = DATA_URL.exec(part.url);
    if (match === null) {
      throw new InvalidRequestError(`The image at ${where} is a data URL without base64 data.`, { param: `${where}.image_url` });
    }
    return { inlineData: { mimeType: match[1] ?? 'image/jpeg', data: match[2] ?? '' } };
  }
  return { fileData: { fileUri: part.url, mimeType: guessImageMimeType(part.url) } };
}

const IMAGE_MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

function guessImageMimeType(url: string): string {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // Not a URL we can parse (e.g. a Files API name): use it as is.
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return (extension && IMAGE_MIME_TYPES[extension]) || 'image/jpeg';
}
