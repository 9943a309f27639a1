import { register as globalRegistry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { loadConfigText } from '../../config/load-config.js';
import type { RequestSummary } from '../../pipeline/request-summary.js';
import { buildGatewayRuntime } from '../../registry/gateway-runtime.js';
import { createMetricsObserver } from './create-metrics-observer.js';
import { GatewayMetrics, type GatewayMetricsSnapshot } from './gateway-metrics.js';
import { runtimeMetricsSnapshot } from './runtime-metrics-snapshot.js';

const HISTOGRAMS = /^switchyard_(request_duration_seconds|time_to_first_token_seconds|gateway_overhead_seconds)_/;

/** Every non-histogram sample line of the exposition, e.g. `switchyard_retries_total{workload="a"} 2`. */
async function counterLines(metrics: GatewayMetrics): Promise<string[]> {
  const text = await metrics.render();
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#') && !HISTOGRAMS.test(line));
}

async function linesOf(metrics: GatewayMetrics, prefix: string): Promise<string[]> {
  const text = await metrics.render();
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

function summary(overrides: Partial<RequestSummary> = {}): RequestSummary {
  return {
    requestId: 'request-1',
    startedAt: 0,
    durationMs: 1_200,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'gpt',
    routeModel: 'gpt',
    routeReason: 'model gpt',
    deployment: 'openai/gpt',
    upstreamModel: 'gpt-4o-2024-08-06',
    status: 200,
    attempts: [{ deployment: 'openai/gpt', provider: 'openai', code: 'ok', latencyMs: 1_100, retry: 0 }],
    ...overrides,
  };
}

describe('GatewayMetrics.record', () => {
  it('counts routing decisions and cascade escalations by the check that failed, not as fallbacks', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(
      summary({
        workload: 'qa',
        deployment: 'openai/gpt',
        routing: {
          router: 'cascade',
          tiers: ['llama', 'gpt'],
          tier: 1,
          steps: [
            { model: 'llama', outcome: 'escalated', check: 'judge', reason: 'score 4 < 7' },
            { model: 'gpt', outcome: 'accepted' },
          ],
        },
        attempts: [
          { deployment: 'vllm/llama', provider: 'vllm', code: 'ok', latencyMs: 100, tier: 0 },
          { deployment: 'openai/judge', provider: 'openai', code: 'ok', latencyMs: 50, tier: 0, purpose: 'check' },
          { deployment: 'openai/gpt', provider: 'openai', code: 'ok', latencyMs: 300, tier: 1 },
        ],
      }),
    );
    metrics.record(summary({ workload: 'qa', routing: { router: 'learned', score: 0.2 } }));
    expect(await linesOf(metrics, 'switchyard_routing_decisions_total')).toEqual([
      'switchyard_routing_decisions_total{workload="qa",router="cascade"} 1',
      'switchyard_routing_decisions_total{workload="qa",router="learned"} 1',
    ]);
    expect(await linesOf(metrics, 'switchyard_escalations_total')).toEqual(['switchyard_escalations_total{workload="qa",check="judge"} 1']);
    expect(await linesOf(metrics, 'switchyard_fallbacks_total')).toEqual([]);
  });

  it("observes the gateway's own time of an answered request, in fine buckets, only when it is known", async () => {
    const metrics = new GatewayMetrics();
    metrics.record(summary({ workload: 'qa' }), undefined, 0.42);
    metrics.record(summary({ workload: 'qa', stream: true }), undefined, 3.1);
    metrics.record(summary({ workload: 'qa' }));
    metrics.record(summary({ workload: 'qa' }), undefined, Number.NaN);
    const lines = await linesOf(metrics, 'switchyard_gateway_overhead_seconds');
    expect(lines).toContain('switchyard_gateway_overhead_seconds_bucket{le="0.0004",endpoint="chat",workload="qa",stream="false"} 0');
    expect(lines).toContain('switchyard_gateway_overhead_seconds_bucket{le="0.0005",endpoint="chat",workload="qa",stream="false"} 1');
    expect(lines).toContain('switchyard_gateway_overhead_seconds_count{endpoint="chat",workload="qa",stream="false"} 1');
    expect(lines).toContain('switchyard_gateway_overhead_seconds_bucket{le="0.003",endpoint="chat",workload="qa",stream="true"} 0');
    expect(lines).toContain('switchyard_gateway_overhead_seconds_bucket{le="0.005",endpoint="chat",workload="qa",stream="true"} 1');
  });

  it('counts a successful request: request, tokens, cost and its one attempt', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(
      summary({ usage: { inputTokens: 1_000, outputTokens: 50, cacheReadInputTokens: 800, cacheWriteInputTokens: 0 } }),
      { costUsd: 0.0125, referenceCostUsd: 0.05 },
    );
    expect(await counterLines(metrics)).toEqual([
      'switchyard_requests_total{endpoint="chat",workload="",model="gpt",deployment="openai/gpt",status_class="2xx",error_code=""} 1',
      'switchyard_tokens_total{workload="",deployment="openai/gpt",kind="input"} 1000',
      'switchyard_tokens_total{workload="",deployment="openai/gpt",kind="output"} 50',
      'switchyard_tokens_total{workload="",deployment="openai/gpt",kind="cached_input"} 800',
      'switchyard_cost_usd_total{workload="",deployment="openai/gpt"} 0.0125',
      'switchyard_reference_cost_usd_total{workload=""} 0.05',
      'switchyard_attempts_total{deployment="openai/gpt",code="ok"} 1',
    ]);
  });

  it('counts a request where every target failed, with its retries and no fallback', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(
      summary({
        workload: 'triage',
        routeReason: 'workload triage: gpt',
        deployment: undefined,
        status: 502,
        errorCode: 'all_targets_failed',
        attempts: [
          { deployment: 'openai/gpt', provider: 'openai', code: 'provider_http_error', upstreamStatus: 503, latencyMs: 40, retry: 0 },
          { deployment: 'openai/gpt', provider: 'openai', code: 'provider_http_error', upstreamStatus: 503, latencyMs: 40, retry: 1 },
          { deployment: 'azure/gpt', provider: 'azure', code: 'provider_timeout', latencyMs: 30_000, retry: 0 },
        ],
      }),
    );
    expect(await counterLines(metrics)).toEqual([
      'switchyard_requests_total{endpoint="chat",workload="triage",model="gpt",deployment="",status_class="5xx",error_code="all_targets_failed"} 1',
      'switchyard_attempts_total{deployment="openai/gpt",code="provider_http_error"} 2',
      'switchyard_attempts_total{deployment="azure/gpt",code="provider_timeout"} 1',
      'switchyard_retries_total{workload="triage"} 1',
    ]);
  });

  it('never turns client-typed names or unknown codes into labels', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(summary({ requestedModel: 'made-up-1', routeModel: undefined, routeReason: undefined, deployment: undefined, status: 404, errorCode: 'model_not_found', attempts: [] }));
    metrics.record(summary({ requestedModel: 'made-up-2', routeModel: undefined, routeReason: undefined, deployment: undefined, status: 404, errorCode: 'model_not_found', attempts: [] }));
    metrics.record(summary({ status: 500, errorCode: 'something_new', attempts: [{ deployment: 'openai/gpt', provider: 'openai', code: 'odd', latencyMs: 1 }] }));
    // With the workload header the body's model is ignored by routing, so it may be anything.
    metrics.record(summary({ workload: 'triage', requestedModel: 'whatever-the-client-sent', routeModel: 'gpt', attempts: [] }));
    expect(await counterLines(metrics)).toEqual([
      'switchyard_requests_total{endpoint="chat",workload="",model="",deployment="",status_class="4xx",error_code="model_not_found"} 2',
      'switchyard_requests_total{endpoint="chat",workload="",model="gpt",deployment="openai/gpt",status_class="5xx",error_code="other"} 1',
      'switchyard_requests_total{endpoint="chat",workload="triage",model="gpt",deployment="openai/gpt",status_class="2xx",error_code=""} 1',
      'switchyard_attempts_total{deployment="openai/gpt",code="other"} 1',
    ]);
  });

  it('records a stream with its time to first token, labelled stream="true"', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(summary({ stream: true, durationMs: 4_000, timeToFirstTokenMs: 420, errorCode: 'client_disconnected', usage: { inputTokens: 10, outputTokens: 3 } }));
    expect(await counterLines(metrics)).toContain(
      'switchyard_requests_total{endpoint="chat",workload="",model="gpt",deployment="openai/gpt",status_class="2xx",error_code="client_disconnected"} 1',
    );
    expect(await linesOf(metrics, 'switchyard_time_to_first_token_seconds_')).toEqual(
      expect.arrayContaining([
        'switchyard_time_to_first_token_seconds_bucket{le="0.3",endpoint="chat",workload="",deployment="openai/gpt",stream="true"} 0',
        'switchyard_time_to_first_token_seconds_bucket{le="0.5",endpoint="chat",workload="",deployment="openai/gpt",stream="true"} 1',
        'switchyard_time_to_first_token_seconds_sum{endpoint="chat",workload="",deployment="openai/gpt",stream="true"} 0.42',
        'switchyard_time_to_first_token_seconds_count{endpoint="chat",workload="",deployment="openai/gpt",stream="true"} 1',
      ]),
    );
    expect(await linesOf(metrics, 'switchyard_request_duration_seconds_count')).toEqual([
      'switchyard_request_duration_seconds_count{endpoint="chat",workload="",deployment="openai/gpt",stream="true"} 1',
    ]);
  });

  it('records no time to first token for a request without one', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(summary());
    expect(await linesOf(metrics, 'switchyard_time_to_first_token_seconds_')).toEqual([]);
  });

  it('counts retries of the same deployment without calling them a fallback', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(
      summary({
        workload: 'triage',
        attempts: [
          { deployment: 'openai/gpt', provider: 'openai', code: 'provider_rate_limited', latencyMs: 5, retry: 0 },
          { deployment: 'openai/gpt', provider: 'openai', code: 'provider_http_error', latencyMs: 5, retry: 1 },
          { deployment: 'openai/gpt', provider: 'openai', code: 'ok', latencyMs: 5, retry: 2 },
        ],
      }),
    );
    const lines = await counterLines(metrics);
    expect(lines.filter((line) => !line.startsWith('switchyard_requests_total'))).toEqual([
      'switchyard_attempts_total{deployment="openai/gpt",code="provider_rate_limited"} 1',
      'switchyard_attempts_total{deployment="openai/gpt",code="provider_http_error"} 1',
      'switchyard_attempts_total{deployment="openai/gpt",code="ok"} 1',
      'switchyard_retries_total{workload="triage"} 2',
    ]);
  });

  /** A chat request answered by a hedge on azure/gpt; the first attempt, on openai/gpt, ended with `firstCode`. */
  const answeredByHedge = (firstCode: string) =>
    summary({
      workload: 'chat',
      deployment: 'azure/gpt',
      attempts: [
        { deployment: 'openai/gpt', provider: 'openai', code: firstCode, latencyMs: 150, retry: 0 },
        { deployment: 'azure/gpt', provider: 'azure', code: 'ok', latencyMs: 50, retry: 0, hedge: true },
      ],
    });

  it('charges each attempt’s cost to the deployment it ran on, and counts a hedge that won after the first failed as a fallback', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(
      answeredByHedge('provider_http_error'),
      { costUsd: 0.003, perAttempt: [{ deployment: 'openai/gpt', costUsd: 0.001 }, { deployment: 'azure/gpt', costUsd: 0.002 }] },
    );
    const lines = await counterLines(metrics);
    expect(lines.filter((line) => line.startsWith('switchyard_cost_usd_total'))).toEqual([
      'switchyard_cost_usd_total{workload="chat",deployment="openai/gpt"} 0.001',
      'switchyard_cost_usd_total{workload="chat",deployment="azure/gpt"} 0.002',
    ]);
    expect(lines.filter((line) => line.startsWith('switchyard_fallbacks_total'))).toEqual(['switchyard_fallbacks_total{workload="chat"} 1']);
  });

  it('counts a winning hedge as won, not as a fallback, and a cancelled hedge as lost', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(answeredByHedge('cancelled'));
    metrics.record(
      summary({
        workload: 'chat',
        attempts: [
          { deployment: 'openai/gpt', provider: 'openai', code: 'ok', latencyMs: 150, retry: 0 },
          { deployment: 'azure/gpt', provider: 'azure', code: 'cancelled', latencyMs: 50, retry: 0, hedge: true },
        ],
      }),
    );
    const lines = await counterLines(metrics);
    expect(lines.filter((line) => line.startsWith('switchyard_hedges_total') || line.startsWith('switchyard_fallbacks_total'))).toEqual([
      'switchyard_hedges_total{workload="chat",outcome="won"} 1',
      'switchyard_hedges_total{workload="chat",outcome="lost"} 1',
    ]);
    expect(lines.filter((line) => line.startsWith('switchyard_attempts_total'))).toEqual([
      'switchyard_attempts_total{deployment="openai/gpt",code="cancelled"} 1',
      'switchyard_attempts_total{deployment="azure/gpt",code="ok"} 1',
      'switchyard_attempts_total{deployment="openai/gpt",code="ok"} 1',
      'switchyard_attempts_total{deployment="azure/gpt",code="cancelled"} 1',
    ]);
  });

  it('counts a fallback when another deployment answered, including past an open breaker', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(
      summary({
        workload: 'chat',
        deployment: 'azure/gpt',
        attempts: [
          { deployment: 'openai/gpt', provider: 'openai', code: 'provider_timeout', latencyMs: 500, retry: 0 },
          { deployment: 'azure/gpt', provider: 'azure', code: 'ok', latencyMs: 50, retry: 0 },
        ],
      }),
    );
    metrics.record(
      summary({
        workload: 'chat',
        deployment: 'azure/gpt',
        attempts: [
          { deployment: 'openai/gpt', provider: 'openai', code: 'circuit_open', latencyMs: 0 },
          { deployment: 'azure/gpt', provider: 'azure', code: 'ok', latencyMs: 50, retry: 0 },
        ],
      }),
    );
    const lines = await counterLines(metrics);
    expect(lines.filter((line) => !line.startsWith('switchyard_requests_total'))).toEqual([
      'switchyard_attempts_total{deployment="openai/gpt",code="provider_timeout"} 1',
      'switchyard_attempts_total{deployment="azure/gpt",code="ok"} 2',
      'switchyard_attempts_total{deployment="openai/gpt",code="circuit_open"} 1',
      'switchyard_fallbacks_total{workload="chat"} 2',
    ]);
  });

  it('puts durations in the right buckets (seconds)', async () => {
    const metrics = new GatewayMetrics();
    for (const durationMs of [40, 300, 3_000, 200_000]) metrics.record(summary({ durationMs, endpoint: 'embeddings' }));
    const labels = 'endpoint="embeddings",workload="",deployment="openai/gpt",stream="false"';
    const lines = await linesOf(metrics, 'switchyard_request_duration_seconds_');
    expect(lines).toEqual([
      `switchyard_request_duration_seconds_bucket{le="0.05",${labels}} 1`,
      `switchyard_request_duration_seconds_bucket{le="0.1",${labels}} 1`,
      `switchyard_request_duration_seconds_bucket{le="0.25",${labels}} 1`,
      `switchyard_request_duration_seconds_bucket{le="0.5",${labels}} 2`,
      `switchyard_request_duration_seconds_bucket{le="1",${labels}} 2`,
      `switchyard_request_duration_seconds_bucket{le="2.5",${labels}} 2`,
      `switchyard_request_duration_seconds_bucket{le="5",${labels}} 3`,
      `switchyard_request_duration_seconds_bucket{le="10",${labels}} 3`,
      `switchyard_request_duration_seconds_bucket{le="20",${labels}} 3`,
      `switchyard_request_duration_seconds_bucket{le="30",${labels}} 3`,
      `switchyard_request_duration_seconds_bucket{le="60",${labels}} 3`,
      `switchyard_request_duration_seconds_bucket{le="120",${labels}} 3`,
      `switchyard_request_duration_seconds_bucket{le="+Inf",${labels}} 4`,
      `switchyard_request_duration_seconds_sum{${labels}} 203.34`,
      `switchyard_request_duration_seconds_count{${labels}} 4`,
    ]);
  });

  it('skips nonsense numbers instead of throwing', async () => {
    const metrics = new GatewayMetrics();
    expect(() =>
      metrics.record(
        summary({ durationMs: Number.NaN, timeToFirstTokenMs: -5, usage: { inputTokens: -1, outputTokens: Number.POSITIVE_INFINITY } }),
        { costUsd: -0.5, referenceCostUsd: Number.NaN },
      ),
    ).not.toThrow();
    const text = await metrics.render();
    expect(text).not.toMatch(/^switchyard_(tokens|cost_usd|reference_cost_usd)_total\{/m);
    expect(text).not.toMatch(/^switchyard_(request_duration|time_to_first_token)_seconds_count\{/m);
  });
});

describe('scrape-time gauges', () => {
  const deployment = (outstanding: number, latencyEwmaMs: number | undefined, state: 'closed' | 'half-open' | 'open') => ({
    outstanding,
    latencyEwmaMs,
    breaker: { state },
  });

  it('reads the snapshot when scraped, once per scrape, and forgets deployments that are gone', async () => {
    let current: GatewayMetricsSnapshot = {
      generation: 1,
      deployments: { 'openai/gpt': deployment(3, 850, 'closed'), 'azure/gpt': deployment(0, undefined, 'open') },
    };
    const snapshot = vi.fn(() => current);
    const metrics = new GatewayMetrics({ snapshot });
    expect(snapshot).not.toHaveBeenCalled();

    const gauges = /^switchyard_(deployment_outstanding|circuit_breaker_state|deployment_latency_ewma_seconds|config_generation)/;
    const gaugeLines = async () => (await metrics.render()).split('\n').filter((line) => gauges.test(line));
    expect(await gaugeLines()).toEqual([
      'switchyard_deployment_outstanding{deployment="openai/gpt"} 3',
      'switchyard_deployment_outstanding{deployment="azure/gpt"} 0',
      'switchyard_circuit_breaker_state{deployment="openai/gpt"} 0',
      'switchyard_circuit_breaker_state{deployment="azure/gpt"} 2',
      // azure/gpt has no latency yet: no sample rather than a misleading 0.
      'switchyard_deployment_latency_ewma_seconds{deployment="openai/gpt"} 0.85',
      'switchyard_config_generation 1',
    ]);
    expect(snapshot).toHaveBeenCalledTimes(1);

    current = { generation: 2, deployments: { 'openai/gpt': deployment(1, 1_500, 'half-open') } };
    expect(await gaugeLines()).toEqual([
      'switchyard_deployment_outstanding{deployment="openai/gpt"} 1',
      'switchyard_circuit_breaker_state{deployment="openai/gpt"} 1',
      'switchyard_deployment_latency_ewma_seconds{deployment="openai/gpt"} 1.5',
      'switchyard_config_generation 2',
    ]);
    expect(snapshot).toHaveBeenCalledTimes(2);
  });

  it('still answers a scrape when the snapshot throws, reporting the error', async () => {
    const onError = vi.fn();
    const metrics = new GatewayMetrics({
      snapshot: () => {
        throw new Error('runtime gone');
      },
      onError,
    });
    metrics.record(summary());
    const text = await metrics.render();
    expect(text).toContain('switchyard_requests_total{');
    expect(text).not.toMatch(/^switchyard_(deployment_outstanding|circuit_breaker_state)\{/m);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'runtime gone' }));
  });

  it('reads a real runtime: its generation and every deployment closed and idle', async () => {
    const config = loadConfigText(
      `providers:
  local: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
models:
  gpt:
    deployments:
      - { provider: local, model: gpt-a }
      - { provider: local, model: gpt-b }
`,
      'test.yaml',
      { env: {} },
    );
    const runtime = buildGatewayRuntime(config, { generation: 7 });
    const metrics = new GatewayMetrics({ snapshot: () => runtimeMetricsSnapshot(runtime) });
    const text = await metrics.render();
    const ids = [...runtime.targets.keys()];
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      expect(text).toContain(`switchyard_deployment_outstanding{deployment="${id}"} 0`);
      expect(text).toContain(`switchyard_circuit_breaker_state{deployment="${id}"} 0`);
    }
    expect(text).toContain('switchyard_config_generation 7');
  });
});

describe('isolation', () => {
  it('keeps two instances apart and leaves the global registry alone', async () => {
    const first = new GatewayMetrics();
    const second = new GatewayMetrics();
    first.record(summary());
    first.record(summary());
    second.record(summary({ status: 429, errorCode: 'rate_limit_exceeded', attempts: [] }));
    expect((await counterLines(first)).filter((line) => line.startsWith('switchyard_requests_total'))).toEqual([
      'switchyard_requests_total{endpoint="chat",workload="",model="gpt",deployment="openai/gpt",status_class="2xx",error_code=""} 2',
    ]);
    expect((await counterLines(second)).filter((line) => line.startsWith('switchyard_requests_total'))).toEqual([
      'switchyard_requests_total{endpoint="chat",workload="",model="gpt",deployment="openai/gpt",status_class="4xx",error_code="rate_limit_exceeded"} 1',
    ]);
    expect(await globalRegistry.metrics()).not.toContain('switchyard_');
  });

  it('exports process metrics only when asked', async () => {
    expect(await new GatewayMetrics().render()).not.toContain('process_cpu');
    expect(await new GatewayMetrics({ processMetrics: true }).render()).toMatch(/^switchyard_process_cpu_seconds_total /m);
  });
});

describe('createMetricsObserver', () => {
  it('records each summary with the costs the pricing function gives', async () => {
    const metrics = new GatewayMetrics();
    const costsOf = vi.fn((finished: RequestSummary) => (finished.deployment === 'openai/gpt' ? { costUsd: 0.25 } : undefined));
    const observer = createMetricsObserver(metrics, { costsOf });
    observer.onRequestEnd(summary());
    observer.onRequestEnd(summary());
    expect(costsOf).toHaveBeenCalledTimes(2);
    expect(await linesOf(metrics, 'switchyard_cost_usd_total')).toEqual(['switchyard_cost_usd_total{workload="",deployment="openai/gpt"} 0.5']);
  });

  it('never throws into the pipeline', () => {
    const onError = vi.fn();
    const observer = createMetricsObserver(new GatewayMetrics(), {
      costsOf: () => {
        throw new Error('no price list');
      },
      onError,
    });
    expect(() => observer.onRequestEnd(summary())).not.toThrow();
    expect(onError).toHaveBeenCalledOnce();
  });
});
