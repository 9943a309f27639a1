import type { Hono } from 'hono';
import { InvalidRequestError } from '../../../spec/errors.js';
import type { RequestLogStore } from '../../../store/request-log-store.js';
import { parseUsageQuery, queryUsage } from '../../../store/usage-query.js';
import type { GatewayEnv } from '../../gateway-context.js';

/**
 * GET /admin/usage?by=workload,model&since=7d&until=…&workload=&api_key=&deployment=&model=
 *
 * Requests, tokens, cost, savings, error and escalation rates and p50/p95/p99 latency per group.
 * `since`/`until` take a duration before now (`30m`, `24h`, `7d`), Unix milliseconds or an ISO
 * date; `since` defaults to 7d, `until` to now.
 */
export function registerUsageRoutes(admin: Hono<GatewayEnv>, store: RequestLogStore | undefined): void {
  admin.get('/usage', async (context) => {
    if (!store) throw new InvalidRequestError('The request log is off (request_log.enabled: false).', { code: 'request_log_disabled' });
    const query = (name: string) => context.req.query(name);
    const usage = parseUsageQuery(
      {
        by: query('by'),
        since: query('since'),
        until: query('until'),
        workload: query('workload'),
        apiKey: query('api_key'),
        deployment: query('deployment'),
        model: query('model'),
      },
      Date.now(),
    );
    return context.json(await queryUsage(store, usage));
  });
}
