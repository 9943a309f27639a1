export * from './chat-call.js';
export * from './chat-result.js';
export * from './errors.js';
export * from './finish-reason.js';
export * from './language-model-adapter.js';
export * from './stream-event.js';
export * from './usage.js';
export * from './wait-clock.js';
