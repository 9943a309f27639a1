export * from './registry-config.js';
export * from './license-catalogue.js';
export * from './data-handling.js';
export * from './resolve-registry.js';
export * from './workload-usage.js';
export * from './declared-use.js';
export * from './registry-check.js';
export * from './registry-listing.js';
