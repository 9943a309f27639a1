/** A clock in epoch milliseconds, injectable so tests never wait. `Date.now` in production. */
export type Clock = () => number;

/** A source of uniform numbers in [0, 1), injectable so tests can pin jitter. `Math.random` in production. */
export type RandomSource = () => number;

/**
 * A small deterministic generator (mulberry32) for tests and simulations that need many
 * reproducible draws; production code uses `Math.random`.
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}
