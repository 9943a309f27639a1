export * from './classify-upstream-error.js';
export * from './event-stream.js';
export * from './http-client.js';
export * from './retry-after.js';
export * from './zod-response.js';
export * from './provider-settings.js';
export * from './unsupported-setting.js';
export * from './seeded-random.js';
