import type { GatewayRuntime } from '../../registry/gateway-runtime.js';
import type { GatewayMetricsSnapshot } from './gateway-metrics.js';

/**
 * The gauges' view of a runtime. Pass `() => runtimeMetricsSnapshot(holder.current)` as the
 * metrics snapshot so every scrape reads the live runtime, including after a reload.
 */
export function runtimeMetricsSnapshot(
  runtime: GatewayRuntime,
  requestLog?: () => NonNullable<GatewayMetricsSnapshot['requestLog']>,
): GatewayMetricsSnapshot {
  return {
    generation: runtime.generation,
    deployments: runtime.resilience.health.snapshot(),
    ...(requestLog ? { requestLog: requestLog() } : {}),
  };
}
