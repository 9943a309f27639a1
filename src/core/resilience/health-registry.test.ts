import { describe, expect, it } from 'vitest';
import { HealthRegistry } from './health-registry.js';

function setup() {
  const clock = { now: 0 };
  const transitions: string[] = [];
  const registry = new HealthRegistry({
    clock: () => clock.now,
    breaker: { consecutiveFailures: 2, openMs: 1_000 },
    onBreakerStateChange: (id, change) => transitions.push(`${id}:${change.to}`),
  });
  return { clock, registry, transitions };
}

describe('HealthRegistry', () => {
  it('keeps what it learnt about surviving deployments across a reload and drops the rest', () => {
    const { registry } = setup();
    registry.reconcile(['a', 'b']);
    const a = registry.get('a');
    a.health.recordLatency(120);
    a.breaker.onFailure();
    a.breaker.onFailure();
    registry.reconcile([{ id: 'a' }, 'c']);
    expect(registry.ids().sort()).toEqual(['a', 'c']);
    expect(registry.get('a')).toBe(a);
    expect(registry.get('a').health.latencyEwmaMs).toBe(120);
    expect(registry.get('a').breaker.state).toBe('open');
    expect(registry.has('b')).toBe(false);
  });

  it('applies new breaker settings on reload, per deployment overriding the defaults', () => {
    const { registry } = setup();
    registry.reconcile(['a', 'b']);
    registry.reconcile(['a', { id: 'b', breaker: { consecutiveFailures: 5 } }], { consecutiveFailures: 3 });
    for (const id of ['a', 'b']) for (let index = 0; index < 3; index += 1) registry.get(id).breaker.onFailure();
    expect([registry.get('a').breaker.state, registry.get('b').breaker.state]).toEqual(['open', 'closed']);
  });

  it('combines the breaker, cooldown and saturation into availability, using the injected clock', () => {
    const { clock, registry, transitions } = setup();
    registry.reconcile(['a', 'b', 'c']);
    registry.get('a').breaker.onFailure();
    registry.get('a').breaker.onFailure();
    registry.get('b').health.recordRateLimit(500, 0);
    registry.get('c').health.learnFromHeaders({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' }, 0);
    expect(['a', 'b', 'c', 'unknown'].map((id) => registry.isAvailable(id))).toEqual([false, false, false, true]);
    clock.now = 1_000;
    // a may now be probed; b's cooldown is over; c is saturated until 2 s.
    expect(['a', 'b', 'c'].map((id) => registry.isAvailable(id))).toEqual([true, true, false]);
    expect(registry.get('a').breaker.state).toBe('half-open');
    expect(transitions).toEqual(['a:open', 'a:half-open']);
  });

  it('answers load signals for unknown ids without creating them', () => {
    const { registry } = setup();
    expect([registry.outstanding('x'), registry.latencyEwmaMs('x'), registry.has('x')]).toEqual([0, undefined, false]);
    registry.get('x').health.startRequest();
    expect(registry.outstanding('x')).toBe(1);
  });

  it('reports a snapshot per deployment', () => {
    const { registry } = setup();
    registry.reconcile(['a']);
    registry.get('a').health.recordLatency(80);
    expect(registry.snapshot()).toMatchObject({ a: { latencyEwmaMs: 80, available: true, breaker: { state: 'closed' } } });
  });
});
