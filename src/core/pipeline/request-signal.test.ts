import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
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
});
