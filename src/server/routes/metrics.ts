import type { Context } from 'hono';
import type { RuntimeHolder } from '../../core/registry/runtime-holder.js';
import type { GatewayMetrics } from '../../core/telemetry/metrics/gateway-metrics.js';
import type { GatewayEnv } from '../gateway-context.js';
import { authenticateAdmin } from '../middleware/auth.js';
import { exchangeOf } from '../request-context.js';

/**
 * GET /metrics: Prometheus text exposition of the gateway's metrics.
 *
 * Protected like /admin, because the labels name every workload, model and deployment and the
 * counters reveal traffic and spend: with `server.admin_key` set the scraper must send it (header
 * `x-switchyard-admin-key`, or `Authorization: Bearer <key>` as Prometheus' `authorization`
 * scrape setting does); without one only loopback clients may scrape (a sidecar or a local agent).
 */
export function metricsHandler(holder: RuntimeHolder, metrics: GatewayMetrics) {
  return async (context: Context<GatewayEnv>): Promise<Response> => {
    authenticateAdmin(exchangeOf(context), holder.current.config.server.admin_key);
    const body = await metrics.render();
    return context.body(body, 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  };
}
