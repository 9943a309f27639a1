import { describe, expect, it } from 'vitest';
import { Utf8ChunkDecoder } from './utf8-chunk-decoder.js';

const TEXT = 'aé✓😀 中文 Ωß — ok 🇫🇷 end';

function decodeInPieces(bytes: Buffer, cuts: number[]): string {
  const decoder = new Utf8ChunkDecoder();
  let text = '';
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    text += decoder.decode(bytes.subarray(start, cut));
    start = cut;
  }
  return text + decoder.end();
}

describe('Utf8ChunkDecoder', () => {
  it('decodes text cut at every byte position, and at every pair of positions, exactly', () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    for (let first = 0; first <= bytes.length; first += 1) {
      expect(decodeInPieces(bytes, [first])).toBe(TEXT);
      for (let second = first; second <= bytes.length; second += 1) {
        expect(decodeInPieces(bytes, [first, second])).toBe(TEXT);
      }
    }
  });

  it('decodes text fed one byte at a time', () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    expect(decodeInPieces(bytes, Array.from({ length: bytes.length }, (_, index) => index))).toBe(TEXT);
  });

  it('holds back a cut character until its rest arrives', () => {
    const decoder = new Utf8ChunkDecoder();
    const check = Buffer.from('✓', 'utf8');
    expect(decoder.decode(Buffer.concat([Buffer.from('ok '), check.subarray(0, 2)]))).toBe('ok ');
    expect(decoder.decode(check.subarray(2))).toBe('✓');
    expect(decoder.end()).toBe('');
  });

  it('turns malformed bytes and a character cut off at the end into U+FFFD, as TextDecoder does', () => {
    const malformed = Buffer.from([0x41, 0xff, 0x42, 0xc3]);
    const decoder = new Utf8ChunkDecoder();
    const text = decoder.decode(malformed) + decoder.end();
    expect(text).toBe(new TextDecoder().decode(malformed));
    expect(text).toBe('A\uFFFDB\uFFFD');
  });

  it('drops a byte-order mark at the very start, even cut across chunks, and keeps one later on', () => {
    const bytes = Buffer.from('\uFEFFdata: x\uFEFF', 'utf8');
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(decodeInPieces(bytes, [cut])).toBe('data: x\uFEFF');
      expect(decodeInPieces(bytes, [cut])).toBe(new TextDecoder().decode(bytes));
    }
  });
});
