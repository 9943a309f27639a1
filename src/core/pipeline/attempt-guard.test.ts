import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderTimeoutError } from '../../spec/errors.js';
import { AttemptGuard } from './attempt-guard.js';

describe('AttemptGuard', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('without limits or a hedge race, aborts exactly when the request does, with its reason', () => {
    const request = new AbortController();
    const guard = new AttemptGuard('openai', request.signal, {}, false);
    expect(guard.signal.aborted).toBe(false);
    const reason = new Error('client disconnected');
    request.abort(reason);
    expect(guard.signal.aborted).toBe(true);
    expect(guard.signal.reason).toBe(reason);
    expect(() => guard.abort(new Error('hedge lost'))).toThrow(/cannot be aborted/);
  });

  it('a cancellable attempt aborts on its own without touching the request, and stops following it once finished', () => {
    const request = new AbortController();
    const guard = new AttemptGuard('openai', request.signal, {}, true);
    const lost = new Error('hedge lost');
    guard.abort(lost);
    expect(guard.signal.reason).toBe(lost);
    expect(request.signal.aborted).toBe(false);

    const finished = new AttemptGuard('openai', request.signal, {}, true);
    finished.finish();
    request.abort(new Error('gone'));
    expect(finished.signal.aborted).toBe(false);
  });

  it('follows the request too when it has a time limit, and the limit aborts with a timeout naming the phase', () => {
    vi.useFakeTimers();
    const request = new AbortController();
    const followed = new AttemptGuard('openai', request.signal, { totalMs: 1_000 }, false);
    const reason = new Error('deadline');
    request.abort(reason);
    expect(followed.signal.reason).toBe(reason);

    const timed = new AttemptGuard('anthropic', new AbortController().signal, { totalMs: 1_000 }, false);
    vi.advanceTimersByTime(999);
    expect(timed.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(timed.signal.reason).toBeInstanceOf(ProviderTimeoutError);
    expect((timed.signal.reason as ProviderTimeoutError).message).toContain('total timeout of 1000 ms');
  });

  it('with no request signal, still gives the attempt a signal of its own', () => {
    const guard = new AttemptGuard('openai', undefined, {}, false);
    expect(guard.signal.aborted).toBe(false);
    guard.abort(new Error('stop'));
    expect(guard.signal.aborted).toBe(true);
  });
});
