import { readFileSync } from 'node:fs';
import { sse } from '../../../../test/support/create-test-server.js';

/** Test helpers: read recorded Gemini answers from this folder. */
export function loadFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));
}

/**
 * Reads a `.chunks.txt` file (one GenerateContentResponse per line) as SSE frames. Gemini frames
 * each event as `data: {json}` followed by a CRLF blank line, so the frames are CRLF-terminated.
 */
export function loadSseChunks(name: string): string[] {
  return readFileSync(new URL(name, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => sse(JSON.parse(line)).replace(/\n/g, '\r\n'));
}
