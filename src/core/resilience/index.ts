/**
 * Reliability at the seams: small, pure building blocks with injectable clocks and randomness.
 * The request executor composes them; nothing here performs I/O or sets timers.
 */
export * from './backoff.js';
export * from './circuit-breaker.js';
export * from './clock.js';
export * from './deployment-health.js';
export * from './health-registry.js';
export * from './hedge-policy.js';
export * from './load-balancer.js';
export * from './rate-limit-headers.js';
export * from './resilience-config.js';
export * from './retry-budget.js';
export * from './rolling-window.js';
export * from './sample-window.js';
export * from './resilience-state.js';
