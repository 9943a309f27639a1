import { describe, expect, it, vi } from 'vitest';
import { newRequestId, timeOfRequestId } from './request-id.js';

describe('newRequestId', () => {
  it('is a version 7 UUID with the RFC 9562 variant', () => {
    for (let index = 0; index < 200; index++) {
      expect(newRequestId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('carries the current time, so ids from later milliseconds sort after earlier ones', () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(1_795_480_000_000);
      const first = newRequestId();
      vi.setSystemTime(1_795_480_000_001);
      const second = newRequestId();
      vi.setSystemTime(1_795_566_400_000);
      const third = newRequestId();
      expect(timeOfRequestId(first)).toBe(1_795_480_000_000);
      expect(timeOfRequestId(third)).toBe(1_795_566_400_000);
      expect([third, first, second].sort()).toEqual([first, second, third]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not repeat within a millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRequestId()));
    expect(ids.size).toBe(10_000);
  });

  it('reads no time from ids of other versions', () => {
    expect(timeOfRequestId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBeUndefined();
    expect(timeOfRequestId('client-chosen-id')).toBeUndefined();
  });
});
