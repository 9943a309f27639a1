export * from './registry-state-entry.js';
export * from './registry-overlay.js';
export * from './apply-registry-overlay.js';
export * from './lifecycle-change.js';
