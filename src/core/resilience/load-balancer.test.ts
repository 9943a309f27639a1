import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './clock.js';
import { orderDeployments, weightedShuffle, type LoadSignals, type LoadBalancingCandidate } from './load-balancer.js';

interface Candidate extends LoadBalancingCandidate {
  provider: string;
}

const candidate = (id: string, weight = 1): Candidate => ({ id, weight, provider: `provider-${id}` });

function signals(state: { unavailable?: string[]; outstanding?: Record<string, number>; latency?: Record<string, number> } = {}): LoadSignals {
  return {
    isAvailable: (id) => !(state.unavailable ?? []).includes(id),
    outstanding: (id) => state.outstanding?.[id] ?? 0,
    latencyEwmaMs: (id) => state.latency?.[id],
  };
}

const ids = (list: readonly LoadBalancingCandidate[]) => list.map((item) => item.id);
const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length]!;
};

describe('orderDeployments', () => {
  const abc = [candidate('a'), candidate('b'), candidate('c')];

  it('ordered: keeps config order and returns the caller’s own objects', () => {
    const result = orderDeployments(abc, 'ordered', signals(), 0, Math.random);
    expect(ids(result)).toEqual(['a', 'b', 'c']);
    expect(result[0]).toBe(abc[0]);
  });

  it('puts unavailable deployments last instead of dropping them', () => {
    expect(ids(orderDeployments(abc, 'ordered', signals({ unavailable: ['a'] }), 0, Math.random))).toEqual(['b', 'c', 'a']);
    expect(ids(orderDeployments(abc, 'ordered', signals({ unavailable: ['a', 'b', 'c'] }), 0, Math.random))).toEqual(['a', 'b', 'c']);
    expect(ids(orderDeployments(abc, 'least-outstanding', signals({ unavailable: ['c'], outstanding: { a: 5, b: 1, c: 0 } }), 0, Math.random))).toEqual([
      'b',
      'a',
      'c',
    ]);
  });

  it('handles no and one candidate', () => {
    expect(orderDeployments([], 'weighted', signals(), 0, Math.random)).toEqual([]);
    expect(ids(orderDeployments([candidate('solo')], 'latency', signals(), 0, Math.random))).toEqual(['solo']);
  });

  it('weighted: draws by weight without replacement (stubbed random)', () => {
    const weighted = [candidate('a', 1), candidate('b', 3), candidate('c', 1)];
    // total 5: 0.1×5 = 0.5 → a; then total 4 (b, c): 0.9×4 = 3.6 → c; then b.
    expect(ids(orderDeployments(weighted, 'weighted', signals(), 0, sequence(0.1, 0.9, 0)))).toEqual(['a', 'c', 'b']);
    // 0.5×5 = 2.5 → b; then (a, c) 0.2×2 = 0.4 → a.
    expect(ids(orderDeployments(weighted, 'weighted', signals(), 0, sequence(0.5, 0.2, 0)))).toEqual(['b', 'a', 'c']);
  });

  it('weighted: leads roughly in proportion to weight over many draws (seeded)', () => {
    const random = createSeededRandom(42);
    const weighted = [candidate('a', 1), candidate('b', 2), candidate('c', 7)];
    const leads: Record<string, number> = { a: 0, b: 0, c: 0 };
    const draws = 20_000;
    for (let index = 0; index < draws; index += 1) leads[orderDeployments(weighted, 'weighted', signals(), 0, random)[0]!.id]! += 1;
    expect(Math.abs(leads.a! / draws - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(leads.b! / draws - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(leads.c! / draws - 0.7)).toBeLessThan(0.015);
  });

  it('weighted: zero-weight backups come after weighted ones, in config order, and never lead', () => {
    const random = createSeededRandom(7);
    const list = [candidate('backup-1', 0), candidate('a', 1), candidate('backup-2', 0), candidate('b', 1)];
    for (let index = 0; index < 50; index += 1) {
      expect(ids(orderDeployments(list, 'weighted', signals(), 0, random)).slice(2)).toEqual(['backup-1', 'backup-2']);
    }
    expect(ids(weightedShuffle([candidate('x', 0), candidate('y', 0)], random))).toEqual(['x', 'y']);
  });

  it('weighted: never runs past the end when random returns 1', () => {
    expect(ids(orderDeployments(abc, 'weighted', signals(), 0, () => 1))).toEqual(['c', 'b', 'a']);
  });

  it('power-of-two-choices: equals weighted when load is even', () => {
    const random = createSeededRandom(3);
    const weighted = [candidate('a', 1), candidate('b', 3)];
    let leadsB = 0;
    for (let index = 0; index < 10_000; index += 1) if (orderDeployments(weighted, 'power-of-two-choices', signals(), 0, random)[0]!.id === 'b') leadsB += 1;
    expect(Math.abs(leadsB / 10_000 - 0.75)).toBeLessThan(0.015);
  });

  it('power-of-two-choices: of the two drawn, the one with fewer outstanding leads', () => {
    const busyA = signals({ outstanding: { a: 4, b: 1, c: 0 } });
    // draws a then b: b has fewer in flight, so b leads and a follows.
    expect(ids(orderDeployments(abc, 'power-of-two-choices', busyA, 0, sequence(0.1, 0.1, 0)))).toEqual(['b', 'a', 'c']);
    // draws b then c: c is idler.
    expect(ids(orderDeployments(abc, 'power-of-two-choices', busyA, 0, sequence(0.5, 0.9, 0)))).toEqual(['c', 'b', 'a']);
    // c is never compared when a and b were drawn, even though it is idlest: two choices, not all.
    expect(ids(orderDeployments(abc, 'power-of-two-choices', signals({ outstanding: { a: 1, b: 2 } }), 0, sequence(0.1, 0.1, 0)))).toEqual(['a', 'b', 'c']);
  });

  it('power-of-two-choices: a zero-weight backup never wins the comparison', () => {
    const list = [candidate('a', 1), candidate('backup', 0)];
    expect(ids(orderDeployments(list, 'power-of-two-choices', signals({ outstanding: { a: 9 } }), 0, () => 0.3))).toEqual(['a', 'backup']);
  });

  it('least-outstanding: fewest in flight first, ties to the larger weight, then config order', () => {
    const list = [candidate('a', 1), candidate('b', 2), candidate('c', 2), candidate('d', 1)];
    const load = signals({ outstanding: { a: 0, b: 1, c: 1, d: 3 } });
    expect(ids(orderDeployments(list, 'least-outstanding', load, 0, Math.random))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(orderDeployments([candidate('a', 1), candidate('b', 5)], 'least-outstanding', signals(), 0, Math.random))).toEqual(['b', 'a']);
  });

  it('latency: unmeasured idle deployments first, then fastest EWMA, then unmeasured ones already being measured', () => {
    const list = [candidate('slow'), candidate('new-busy'), candidate('fast'), candidate('new-idle')];
    const state = signals({ latency: { slow: 900, fast: 200 }, outstanding: { 'new-busy': 1 } });
    expect(ids(orderDeployments(list, 'latency', state, 0, () => 0.99))).toEqual(['new-idle', 'fast', 'slow', 'new-busy']);
  });

  it('latency: now and then leads with a slower deployment so a recovered one is noticed', () => {
    const list = [candidate('a'), candidate('b'), candidate('c')];
    const state = signals({ latency: { a: 100, b: 200, c: 300 } });
    expect(ids(orderDeployments(list, 'latency', state, 0, sequence(0.5)))).toEqual(['a', 'b', 'c']);
    // 0.01 < 5 % explores; 0.6 picks the second of the two slower ones.
    expect(ids(orderDeployments(list, 'latency', state, 0, sequence(0.01, 0.6)))).toEqual(['c', 'a', 'b']);
    expect(ids(orderDeployments(list, 'latency', state, 0, sequence(0.01, 0.6), { explorationRate: 0 }))).toEqual(['a', 'b', 'c']);
  });
});
