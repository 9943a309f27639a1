import { describe, expect, it } from 'vitest';
import type { RequestLogRecord } from '../request-log-record.js';
import { buildRequestSpans } from './build-request-spans.js';

const START = Date.UTC(2025, 0, 15, 10, 0, 0);

function record(overrides: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    id: 'req-1',
    time: START,
    durationMs: 1000,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'workload/support',
    status: 200,
    cacheHit: false,
    attempts: [],
    ...overrides,
  };
}

const providerTypes: Record<string, string> = { frontier: 'openai', claude: 'anthropic', local: 'vllm', google: 'gemini' };
const upstreamModels: Record<string, string> = { 'frontier/gpt-4o': 'gpt-4o-2024-08-06', 'claude/sonnet': 'claude-sonnet-4-20250514', 'local/llama': 'llama-3.1-8b' };
const lookups = { providerTypeOf: (name: string) => providerTypes[name], upstreamModelOf: (id: string) => upstreamModels[id] };

describe('buildRequestSpans', () => {
  it('names the request span after the operation and model and carries the GenAI and gateway attributes', () => {
    const trace = buildRequestSpans(
      record({
        workload: 'support',
        apiKey: 'team-a',
        routeModel: 'big',
        deployment: 'frontier/gpt-4o',
        upstreamModel: 'gpt-4o-2024-08-06',
        inputTokens: 1200,
        outputTokens: 300,
        cachedInputTokens: 1000,
        costUsd: 0.0123,
        referenceCostUsd: 0.05,
        timeToFirstTokenMs: 240,
        overheadMs: 0.42,
        attempts: [{ deployment: 'frontier/gpt-4o', provider: 'frontier', code: 'ok', latencyMs: 900, retry: 0, inputTokens: 1200, outputTokens: 300, costUsd: 0.0123 }],
      }),
      { ...lookups, finishReasons: ['stop'] },
    );
    expect(trace.request).toEqual({
      name: 'chat workload/support',
      kind: 'server',
      startMs: START,
      endMs: START + 1000,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'workload/support',
        'gen_ai.request.stream': false,
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.response.finish_reasons': ['stop'],
        'http.response.status_code': 200,
        'switchyard.request_id': 'req-1',
        'switchyard.endpoint': 'chat',
        'switchyard.cache_hit': false,
        'switchyard.attempts': 1,
        'switchyard.workload': 'support',
        'switchyard.route_model': 'big',
        'switchyard.deployment': 'frontier/gpt-4o',
        'switchyard.api_key': 'team-a',
        'switchyard.cost_usd': 0.0123,
        'switchyard.reference_cost_usd': 0.05,
        'switchyard.time_to_first_token_ms': 240,
        'switchyard.overhead_ms': 0.42,
        'switchyard.fallback': false,
      },
    });
    expect(trace.attempts).toEqual([
      {
        name: 'chat gpt-4o-2024-08-06',
        kind: 'client',
        startMs: START,
        endMs: START + 900,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.provider.name': 'openai',
          'gen_ai.system': 'openai',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'switchyard.deployment': 'frontier/gpt-4o',
          'switchyard.provider': 'frontier',
          'switchyard.attempt.index': 0,
          'switchyard.attempt.code': 'ok',
          'switchyard.attempt.retry': 0,
          'switchyard.attempt.hedge': false,
          'switchyard.cost_usd': 0.0123,
        },
      },
    ]);
  });

  it('lays retries and fallbacks back to back, marks failed attempts as errors and the request as a fallback', () => {
    const trace = buildRequestSpans(
      record({
        durationMs: 2000,
        deployment: 'claude/sonnet',
        upstreamModel: 'claude-sonnet-4-20250514',
        attempts: [
          { deployment: 'frontier/gpt-4o', provider: 'frontier', code: 'provider_rate_limited', message: 'Rate limit reached', upstreamStatus: 429, latencyMs: 100, retry: 0 },
          { deployment: 'frontier/gpt-4o', provider: 'frontier', code: 'provider_rate_limited', upstreamStatus: 429, latencyMs: 150, retry: 1 },
          { deployment: 'claude/sonnet', provider: 'claude', code: 'ok', latencyMs: 700, retry: 0 },
        ],
      }),
      lookups,
    );
    expect(trace.request.attributes['switchyard.fallback']).toBe(true);
    expect(trace.request.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(trace.request.error).toBeUndefined();
    expect(trace.attempts.map((span) => [span.name, span.startMs - START, span.endMs - START, span.attributes['switchyard.attempt.retry'], span.error?.type])).toEqual([
      ['chat gpt-4o-2024-08-06', 0, 100, 0, 'provider_rate_limited'],
      ['chat gpt-4o-2024-08-06', 100, 250, 1, 'provider_rate_limited'],
      ['chat claude-sonnet-4-20250514', 250, 950, 0, undefined],
    ]);
    expect(trace.attempts[0]!.error).toEqual({ type: 'provider_rate_limited', message: 'Rate limit reached' });
    expect(trace.attempts[0]!.attributes).toMatchObject({ 'error.type': 'provider_rate_limited', 'http.response.status_code': 429 });
    expect(trace.attempts[2]!.attributes['gen_ai.response.model']).toBe('claude-sonnet-4-20250514');
  });

  it('ends a hedge with the attempt it raced, and does not count a cancelled loser as an error', () => {
    const trace = buildRequestSpans(
      record({
        durationMs: 500,
        deployment: 'local/llama',
        attempts: [
          { deployment: 'frontier/gpt-4o', provider: 'frontier', code: 'cancelled', latencyMs: 400, retry: 0 },
          { deployment: 'local/llama', provider: 'local', code: 'ok', latencyMs: 250, retry: 0, hedge: true },
        ],
      }),
      lookups,
    );
    const [primary, hedge] = trace.attempts;
    expect([primary!.startMs - START, primary!.endMs - START]).toEqual([0, 400]);
    expect([hedge!.startMs - START, hedge!.endMs - START]).toEqual([150, 400]);
    expect(hedge!.attributes).toMatchObject({ 'switchyard.attempt.hedge': true, 'gen_ai.provider.name': 'vllm', 'gen_ai.request.model': 'llama-3.1-8b' });
    expect(primary!.error).toBeUndefined();
    expect(primary!.attributes['error.type']).toBeUndefined();
  });

  it('marks a failed request with error.type and status, and clamps attempt times into the request', () => {
    const trace = buildRequestSpans(
      record({
        endpoint: 'embeddings',
        requestedModel: 'embed',
        durationMs: 300,
        status: 502,
        errorCode: 'all_targets_failed',
        attempts: [
          { deployment: 'google/embed', provider: 'google', code: 'provider_http_error', upstreamStatus: 503, latencyMs: 250 },
          { deployment: 'google/embed', provider: 'google', code: 'provider_http_error', upstreamStatus: 503, latencyMs: 250, retry: 1 },
        ],
      }),
      lookups,
    );
    expect(trace.request.name).toBe('embeddings embed');
    expect(trace.request.error).toEqual({ type: 'all_targets_failed', message: 'HTTP 502 all_targets_failed' });
    expect(trace.request.attributes).toMatchObject({ 'error.type': 'all_targets_failed', 'http.response.status_code': 502, 'gen_ai.operation.name': 'embeddings' });
    expect(trace.request.attributes['gen_ai.provider.name']).toBeUndefined();
    expect(trace.request.attributes['switchyard.fallback']).toBeUndefined();
    // No upstream model known for the deployment: the deployment id stands in for it.
    expect(trace.attempts[1]).toMatchObject({ name: 'embeddings google/embed', startMs: START + 250, endMs: START + 300 });
    expect(trace.attempts[1]!.attributes['gen_ai.provider.name']).toBe('gcp.gemini');
  });

  it('maps the messages endpoint to chat and leaves unknown provider names as they are', () => {
    const trace = buildRequestSpans(
      record({ endpoint: 'messages', deployment: 'x/y', attempts: [{ deployment: 'x/y', provider: 'mystery', code: 'ok', latencyMs: 10 }] }),
    );
    expect(trace.request.attributes['gen_ai.operation.name']).toBe('chat');
    expect(trace.attempts[0]!.attributes['gen_ai.provider.name']).toBe('mystery');
  });
});
