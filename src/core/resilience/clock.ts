/** A clock in epoch milliseconds, injectable so tests never wait. `Date.now` in production. */
export type Clock = () => number;

/** A source of uniform numbers in [0, 1), injectable so tests can pin jitter. `Math.random` in production. */
export type { RandomSource } from '../../provider-utils/seeded-random.js';
/** A small deterministic generator (mulberry32) for tests and simulations that need reproducible draws. */
export { createSeededRandom } from '../../provider-utils/seeded-random.js';
