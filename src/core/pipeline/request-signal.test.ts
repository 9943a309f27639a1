import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { RequestAbortController } from './request-signal.js';

describe('RequestAbortController', () => {
  it('aborts once: sets aborted and reason, calls onabort and every listener a single time', () => {
    const controller = new RequestAbortController();
    const signal = controller.signal;
    const seen: string[] = [];
    signal.onabort = () => seen.push('onabort');
    signal.addEventListener('abort', () => seen.push('listener'));
    signal.addEventListener('abort', () => seen.push('once'), { once: true });
    const removed = () => seen.push('removed');
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    expect(signal.aborted).toBe(false);
    expect(() => signal.throwIfAborted()).not.toThrow();
    const reason = new Error('client disconnected');
    controller.abort(reason);
    controller.abort(new Error('second'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(seen).toEqual(['onabort', 'listener', 'once']);
    expect(() => signal.throwIfAborted()).toThrow('client disconnected');
  });

  it('defaults the reason to an AbortError, as AbortController does', () => {
    const controller = new RequestAbortController();
    controller.abort();
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect((controller.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('is taken as a signal by node APIs that accept one (timers, events), which stop when it aborts', async () => {
    const controller = new RequestAbortController();
    const waiting = sleep(60_000, undefined, { signal: controller.signal });
    const event = once(new EventEmitter(), 'never', { signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(event).rejects.toMatchObject({ name: 'AbortError' });
    // Already aborted: they refuse at once.
    await expect(sleep(60_000, undefined, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('takes listener objects, counts a listener added twice once, and drops one when its `signal` option aborts', () => {
    const controller = new RequestAbortController();
    const seen: string[] = [];
    const object = { handleEvent: (event: Event) => seen.push(`object:${event.type}`) };
    const twice = () => seen.push('twice');
    controller.signal.addEventListener('abort', object);
    controller.signal.addEventListener('abort', twice);
    controller.signal.addEventListener('abort', twice, { once: true });
    const owner = new AbortController();
    controller.signal.addEventListener('abort', () => seen.push('owned'), { signal: owner.signal });
    controller.signal.addEventListener('other' as 'abort', () => seen.push('other type'));
    owner.abort();
    controller.abort();
    expect(seen).toEqual(['object:abort', 'twice']);
  });

  it('a listener removing a later one stops it; one that throws is reported on the next tick and the rest still run', () => {
    const controller = new RequestAbortController();
    const seen: string[] = [];
    const later = () => seen.push('later');
    controller.signal.addEventListener('abort', () => {
      seen.push('first');
      controller.signal.removeEventListener('abort', later);
    });
    controller.signal.addEventListener('abort', () => {
      throw new Error('listener bug');
    });
    controller.signal.addEventListener('abort', later);
    controller.signal.addEventListener('abort', () => seen.push('last'));
    const reported: unknown[] = [];
    const nextTick = vi.spyOn(process, 'nextTick').mockImplementation(((callback: () => void) => {
      try {
        callback();
      } catch (error) {
        reported.push(error);
      }
    }) as typeof process.nextTick);
    try {
      controller.abort();
    } finally {
      nextTick.mockRestore();
    }
    expect(seen).toEqual(['first', 'last']);
    expect(reported).toEqual([new Error('listener bug')]);
  });
});
