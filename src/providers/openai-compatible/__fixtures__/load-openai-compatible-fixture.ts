import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sse } from '../../../../test/support/create-test-server.js';

const directory = fileURLToPath(new URL('.', import.meta.url));

/** A recorded non-streaming response or error body. */
export function loadOpenAIJson(name: string): unknown {
  return JSON.parse(readFileSync(`${directory}${name}.json`, 'utf8')) as unknown;
}

/**
 * A recorded stream, one `data:` payload per line (a chunk JSON, or the literal `[DONE]`), framed as
 * OpenAI frames it: `data: <payload>` and a blank line, with no `event:` names.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function loadOpenAIChunks(name: string): string[] {
  return readFileSync(`${directory}${name}.chunks.txt`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => sse(line));
}
