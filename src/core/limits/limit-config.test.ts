import { describe, expect, it } from 'vitest';
import { limitsSchema, limitsStoreSchema } from './limit-config.js';

describe('limit config', () => {
  it('accepts the documented shapes and fills the Redis key prefix', () => {
    expect(limitsSchema.parse({ requests_per_minute: 60, tokens_per_minute: 100_000, max_concurrent: 4 })).toEqual({
      requests_per_minute: 60,
      tokens_per_minute: 100_000,
      max_concurrent: 4,
    });
    expect(limitsStoreSchema.parse({ type: 'memory' })).toEqual({ type: 'memory' });
    expect(limitsStoreSchema.parse({ type: 'redis', url: 'redis://cache:6379/0' })).toEqual({ type: 'redis', url: 'redis://cache:6379/0', key_prefix: 'switchyard:rl:' });
  });

  it('rejects unknown keys, non-positive limits, unknown store types and non-Redis URLs', () => {
    const codes = (schema: typeof limitsSchema | typeof limitsStoreSchema, value: unknown) =>
      schema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}:${issue.code}`);
    expect(codes(limitsSchema, { requests_per_second: 1 })).toEqual([':unrecognized_keys']);
    expect(codes(limitsSchema, { max_concurrent: 0, tokens_per_minute: 1.5 })).toEqual(['tokens_per_minute:invalid_type', 'max_concurrent:too_small']);
    expect(codes(limitsStoreSchema, { type: 'memcached' })).toEqual(['type:invalid_union']);
    expect(codes(limitsStoreSchema, { type: 'redis', url: 'http://cache:6379' })).toEqual(['url:invalid_format']);
    expect(codes(limitsStoreSchema, { type: 'memory', url: 'redis://x' })).toEqual([':unrecognized_keys']);
  });
});
