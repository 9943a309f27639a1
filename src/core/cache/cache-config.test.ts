import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../spec/errors.js';
import { loadConfigText } from '../config/load-config.js';

const base = `providers:
  local: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
models:
  chat:
    deployments: [{ provider: local, model: gpt-4o }]
`;

describe('cache config', () => {
  it('resolves workload cache and prompt_cache with defaults, and a memory cache_store by default', () => {
    const config = loadConfigText(
      `${base}workloads:
  faq:
    route: { model: chat }
    cache: { enabled: true, ttl_ms: 60000, max_entry_bytes: 4096 }
    prompt_cache: { enabled: true, ttl: 1h }
  plain:
    route: { model: chat }
`,
      'test.yaml',
      { env: {} },
    );
    expect(config.workloads.faq!.cache).toEqual({ enabled: true, ttl_ms: 60_000, max_entry_bytes: 4096, include_sampled: false });
    expect(config.workloads.faq!.promptCache).toEqual({ enabled: true, ttl: '1h', min_document_chars: 4096 });
    expect(config.workloads.plain!.cache).toBeUndefined();
    expect(config.cacheStore).toEqual({ type: 'memory', max_entries: 10_000, max_bytes: 64 * 1024 * 1024 });
  });

  it('accepts a redis cache_store', () => {
    const config = loadConfigText(`${base}cache_store: { type: redis, url: "redis://cache:6379" }\n`, 'test.yaml', { env: {} });
    expect(config.cacheStore).toEqual({ type: 'redis', url: 'redis://cache:6379', key_prefix: 'switchyard:cache:' });
  });

  it.each([
    ['an unknown cache key', `workloads:\n  faq:\n    route: { model: chat }\n    cache: { enabled: true, ttl: 5 }\n`, 'workloads.faq.cache'],
    ['a bad prompt-cache TTL', `workloads:\n  faq:\n    route: { model: chat }\n    prompt_cache: { ttl: 10m }\n`, 'workloads.faq.prompt_cache.ttl'],
    ['an unknown store type', `cache_store: { type: memcached }\n`, 'cache_store'],
    ['an unknown memory-store key', `cache_store: { type: memory, max_items: 3 }\n`, 'cache_store'],
  ])('rejects %s', (_name, extra, path) => {
    let caught: unknown;
    try {
      loadConfigText(`${base}${extra}`, 'test.yaml', { env: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain(path);
  });
});
