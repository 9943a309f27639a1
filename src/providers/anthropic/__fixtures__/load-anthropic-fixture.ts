import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sse } from '../../../../test/support/create-test-server.js';

const directory = fileURLToPath(new URL('.', import.meta.url));

/** A recorded non-streaming response body. */
export function loadAnthropicJson(name: string): unknown {
  return JSON.parse(readFileSync(`${directory}${name}.json`, 'utf8')) as unknown;
}

/**
 * A recorded stream, one event JSON per line, framed as Anthropic frames it on the wire: each event
 * as `event: <type>` plus `data: <json>`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#basic-streaming-request
 */
export function loadAnthropicChunks(name: string): string[] {
  return readFileSync(`${directory}${name}.chunks.txt`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const event = JSON.parse(line) as { type: string };
      return sse(line, event.type);
    });
}
