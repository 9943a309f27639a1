import { describe, expect, it } from 'vitest';
import { imageTokens, inlineImageSize, openAIImageTokens } from './image-tokens.js';
import { defaultModelLimits, ModelLimitsTable } from './model-limits.js';

function pngDataUrl(width: number, height: number): string {
  const header = Buffer.alloc(24);
  header.writeUInt32BE(0x89504e47, 0);
  header.writeUInt32BE(0x0d0a1a0a, 4);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return `data:image/png;base64,${header.toString('base64')}`;
}

function jpegDataUrl(width: number, height: number): string {
  // SOI, an APP0 segment of 16 bytes, then SOF0 with height and width.
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.alloc(11);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(17, 2);
  sof.writeUInt8(8, 4);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return `data:image/jpeg;base64,${Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]).toString('base64')}`;
}

describe('image tokens', () => {
  it("follows OpenAI's documented examples", () => {
    // platform.openai.com vision guide: 1024×1024 high detail = 765; 2048×4096 = 1105.
    expect(openAIImageTokens({ width: 1024, height: 1024 })).toBe(765);
    expect(openAIImageTokens({ width: 2048, height: 4096 })).toBe(1105);
    expect(imageTokens({ type: 'image', url: 'https://example.com/a.png', detail: 'low' }, 'o200k')).toBe(85);
  });

  it('reads the size of inline PNG and JPEG images from their headers', () => {
    expect(inlineImageSize(pngDataUrl(1024, 1024))).toEqual({ width: 1024, height: 1024 });
    expect(inlineImageSize(jpegDataUrl(640, 480))).toEqual({ width: 640, height: 480 });
    expect(inlineImageSize('https://example.com/cat.png')).toBeUndefined();
    expect(imageTokens({ type: 'image', url: pngDataUrl(1024, 1024) }, 'o200k')).toBe(765);
    expect(imageTokens({ type: 'image', url: jpegDataUrl(750, 100) }, 'anthropic')).toBe(100);
  });

  it('uses a constant that errs high when the size is unknown', () => {
    const remote = { type: 'image' as const, url: 'https://example.com/cat.png' };
    expect(imageTokens(remote, 'o200k')).toBe(85 + 170 * 8);
    expect(imageTokens(remote, 'anthropic')).toBe(1600);
    expect(imageTokens(remote, 'o200k')).toBeGreaterThanOrEqual(openAIImageTokens({ width: 768, height: 2048 }));
  });
});

describe('model limits table', () => {
  const table = defaultModelLimits();

  it.each([
    ['gpt-4o', 128000, 16384],
    ['gpt-4o-2024-08-06', 128000, 16384],
    ['gpt-4o-2024-05-13', 128000, 4096],
    ['gpt-4.1-mini-2025-04-14', 1047576, 32768],
    ['claude-3-5-sonnet-20241022', 200000, 8192],
    ['claude-3-5-sonnet@20240620', 200000, 8192],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 200000, 8192],
    ['claude-sonnet-4-5-20250929', 200000, 64000],
    ['models/gemini-1.5-pro-002', 2097152, 8192],
    ['gemini-2.5-pro-preview-05-06', 1048576, 65536],
    ['meta-llama/Meta-Llama-3-8B-Instruct', 8192, undefined],
    ['meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', 131072, undefined],
    ['llama3.1:8b', 131072, undefined],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 32768, undefined],
    ['Qwen/Qwen2-72B-Instruct', 32768, undefined],
    ['ft:gpt-4o-mini:acme::abc123', 128000, 16384],
  ])('%s → window %d, max output %s', (model, window, output) => {
    const entry = table.find(model);
    expect(entry?.context_window).toBe(window);
    expect(entry?.max_output_tokens).toBe(output);
  });

  it('does not guess for unknown models', () => {
    expect(table.find('my-private-model')).toBeUndefined();
  });

  it('rejects a table listing one id twice', () => {
    const entry = { id: 'x', context_window: 1, as_of: '2025-01-01', source: 'https://example.com' };
    expect(() => ModelLimitsTable.parse({ entries: [entry, { ...entry, aliases: [] }] })).toThrow(/listed twice/);
  });
});
