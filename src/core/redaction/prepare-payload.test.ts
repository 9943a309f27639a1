import { describe, expect, it } from 'vitest';
import { preparePayload } from './prepare-payload.js';
import { truncateJson } from './truncate-json.js';

describe('truncateJson', () => {
  it('keeps values that fit', () => {
    const value = { text: 'hello' };
    expect(truncateJson(value, 1024)).toBe(value);
    expect(truncateJson(value, JSON.stringify(value).length)).toBe(value);
  });

  it('replaces a value too large with a marked prefix of its JSON', () => {
    const value = { text: 'x'.repeat(100) };
    expect(truncateJson(value, 20)).toEqual({ truncated: true, bytes: 111, preview: '{"text":"xxxxxxxxxxx' });
  });

  it('never cuts a multi-byte character in half', () => {
    // Each "é" is two UTF-8 bytes: a 10-byte cap falls inside one after `"`.
    const truncated = truncateJson('éééééééé', 10) as { preview: string; bytes: number };
    expect(truncated.bytes).toBe(18);
    expect(truncated.preview).toBe('"éééé');
    expect(Buffer.byteLength(truncated.preview)).toBeLessThanOrEqual(10);
  });
});

describe('preparePayload', () => {
  const payload = {
    request: { messages: [{ role: 'user', content: [{ type: 'text', text: `mail me at jane@example.com ${'pad '.repeat(40)}` }] }] },
    response: { content: [{ type: 'text', text: 'ok, jane@example.com' }] },
  };

  it('redacts before it truncates, each side on its own', () => {
    const prepared = preparePayload(payload, { maxBytes: 80, redact: true });
    expect(prepared.response).toEqual({ content: [{ type: 'text', text: 'ok, [EMAIL]' }] });
    expect(prepared.request).toMatchObject({ truncated: true });
    const preview = (prepared.request as { preview: string }).preview;
    expect(preview).toContain('mail me at [EMAIL]');
    expect(preview).not.toContain('jane');
  });

  it('stores raw bodies when redaction is off', () => {
    const prepared = preparePayload(payload, { maxBytes: 65_536, redact: false });
    expect(prepared).toEqual(payload);
  });

  it('leaves out a side that was not captured', () => {
    expect(preparePayload({ request: { messages: [] } }, { maxBytes: 100, redact: true })).toEqual({ request: { messages: [] } });
  });
});
