import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderTimeoutError } from '../spec/errors.js';
import { WaitClock } from '../spec/wait-clock.js';
import { UpstreamDeadline } from './upstream-deadline.js';

/** What undici does with a signal: one listener; returns how often it was told to abort. */
function attachLikeUndici(deadline: UpstreamDeadline): { aborts: number } {
  const seen = { aborts: 0 };
  deadline.addEventListener('abort', () => {
    seen.aborts += 1;
  });
  return seen;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('UpstreamDeadline', () => {
  it('aborts with a first-token timeout naming the limit when no headers arrive in time', () => {
    const deadline = new UpstreamDeadline('slow', undefined, 150, 1_000);
    const undici = attachLikeUndici(deadline);
    vi.advanceTimersByTime(149);
    expect(deadline.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    expect(undici.aborts).toBe(1);
    expect(deadline.reason).toBeInstanceOf(ProviderTimeoutError);
    expect(deadline.reason).toMatchObject({ phase: 'first-token', message: 'Upstream slow sent no response headers within 150 ms' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('switches to the idle limit at the headers and fires it only while a reader waits', () => {
    const deadline = new UpstreamDeadline('p', undefined, 100, 300);
    const undici = attachLikeUndici(deadline);
    vi.advanceTimersByTime(90);
    deadline.headersReceived();
    // The headers limit no longer applies.
    vi.advanceTimersByTime(200);
    expect(deadline.aborted).toBe(false);
    // A chunk at 200 ms after the headers; the reader then holds the body for 1 s without asking.
    deadline.bodyChunk();
    vi.advanceTimersByTime(1_000);
    expect(deadline.aborted).toBe(false);
    // It asks again: the idle clock restarts from now.
    deadline.bodyWaiting();
    vi.advanceTimersByTime(299);
    expect(deadline.aborted).toBe(false);
    deadline.bodyChunk();
    deadline.bodyWaiting();
    vi.advanceTimersByTime(299);
    expect(deadline.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(undici.aborts).toBe(1);
    expect(deadline.reason).toMatchObject({ phase: 'idle', message: 'Upstream p went silent mid-response for 300 ms' });
  });

  it('times out a body nobody reads after the idle limit', () => {
    const deadline = new UpstreamDeadline('p', undefined, 100, 300);
    attachLikeUndici(deadline);
    deadline.headersReceived();
    vi.advanceTimersByTime(300);
    expect(deadline.reason).toMatchObject({ phase: 'idle' });
  });

  it('leaves no timer and no listener behind once finished', () => {
    const parent = new AbortController();
    const removed = vi.spyOn(parent.signal, 'removeEventListener');
    const deadline = new UpstreamDeadline('p', parent.signal, 100, 300);
    attachLikeUndici(deadline);
    expect(vi.getTimerCount()).toBe(1);
    deadline.headersReceived();
    expect(vi.getTimerCount()).toBe(1);
    deadline.finish();
    expect(vi.getTimerCount()).toBe(0);
    expect(removed).toHaveBeenCalledWith('abort', deadline);
    vi.advanceTimersByTime(10_000);
    parent.abort(new Error('late'));
    expect(deadline.aborted).toBe(false);
  });

  it("forwards the caller's abort with the caller's reason, once", () => {
    const parent = new AbortController();
    const deadline = new UpstreamDeadline('p', parent.signal, 100, 300);
    const undici = attachLikeUndici(deadline);
    const reason = new Error('client went away');
    parent.abort(reason);
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason).toBe(reason);
    expect(undici.aborts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(undici.aborts).toBe(1);
    expect(deadline.reason).toBe(reason);
  });

  it('starts aborted when the caller already was, arming nothing', () => {
    const parent = new AbortController();
    parent.abort('gone');
    const deadline = new UpstreamDeadline('p', parent.signal, 100, 300);
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason).toBe('gone');
    expect(() => deadline.throwIfAborted()).toThrow();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('tells every listener a custom dispatcher adds, once each, and not one that was removed', () => {
    const deadline = new UpstreamDeadline('p', undefined, 100, 300);
    const calls: string[] = [];
    const first = () => calls.push('first');
    const second = { handleEvent: () => calls.push('second') };
    const removed = () => calls.push('removed');
    deadline.addEventListener('abort', first);
    deadline.addEventListener('abort', first);
    deadline.addEventListener('abort', second);
    deadline.addEventListener('abort', removed);
    deadline.removeEventListener('abort', removed);
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(['first', 'second']);
  });

  it('treats 0 as no limit', () => {
    const deadline = new UpstreamDeadline('p', undefined, 0, 0);
    attachLikeUndici(deadline);
    expect(vi.getTimerCount()).toBe(0);
    deadline.headersReceived();
    deadline.bodyWaiting();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000_000);
    expect(deadline.aborted).toBe(false);
  });

  it("counts on the request's wait clock only the time it waits on the provider", () => {
    const startedAt = performance.now();
    const clock = new WaitClock();
    const deadline = new UpstreamDeadline('p', undefined, 1_000, 1_000, clock);
    attachLikeUndici(deadline);
    vi.advanceTimersByTime(5); // serialising and writing the request: own time
    deadline.requestSent();
    vi.advanceTimersByTime(100); // waiting for headers
    deadline.headersReceived();
    vi.advanceTimersByTime(3); // the gateway reads the headers, opens the stream: its own time
    deadline.bodyWaiting();
    vi.advanceTimersByTime(40); // waiting for the first chunk
    deadline.bodyChunk();
    vi.advanceTimersByTime(2); // translating and writing it: own time
    deadline.bodyWaiting();
    deadline.bodyWaiting(); // asked again while still waiting: no double count
    vi.advanceTimersByTime(40);
    deadline.bodyChunk();
    vi.advanceTimersByTime(1);
    deadline.finish();
    deadline.finish();
    vi.advanceTimersByTime(4); // after the call: own time
    clock.finish();
    expect(clock.waitedUntil(performance.now())).toBe(180);
    expect(clock.ownTimeMs(startedAt)).toBe(15);
  });

  it('stops the wait clock when the call is aborted mid-wait, and never starts it for a call aborted before it began', () => {
    const clock = new WaitClock();
    const caller = new AbortController();
    const deadline = new UpstreamDeadline('p', caller.signal, 1_000, 1_000, clock);
    deadline.requestSent();
    vi.advanceTimersByTime(25);
    caller.abort(new Error('client gone'));
    vi.advanceTimersByTime(100);
    expect(clock.waitedUntil(performance.now())).toBe(25);
    expect(deadline.aborted).toBe(true);

    const gone = new WaitClock();
    new UpstreamDeadline('p', caller.signal, 1_000, 1_000, gone).requestSent();
    vi.advanceTimersByTime(50);
    expect(gone.waitedUntil(performance.now())).toBe(0);
  });
});
