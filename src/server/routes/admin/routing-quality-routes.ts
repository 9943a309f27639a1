import type { Hono } from 'hono';
import type { RoutingQualityResponse } from '../../../core/evaluation/evaluation-api.js';
import type { EvaluationStore } from '../../../core/evaluation/evaluation-records.js';
import { routingQualityRows } from '../../../evals/shadow/routing-quality-report.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import { parseUsageTime } from '../../../store/usage-query.js';
import type { GatewayEnv } from '../../gateway-context.js';

/** Without `since`, the report covers the last week. */
const DEFAULT_SINCE = '7d';
const KNOWN_PARAMS = new Set(['since', 'until', 'workload']);

export interface RoutingQualityRouteDependencies {
  /** The evaluation tables; absent when the request log (and so the database) is off. */
  store: Pick<EvaluationStore, 'shadowSummary'> | undefined;
  now?: () => number;
}

/**
 * GET /admin/routing/quality?since=7d&until=…&workload= — router quality from shadow pairs, per
 * workload: under-escalation (served cheap, the strong answer was clearly better) and
 * over-escalation (served strong, the cheap answer was as good), with 95% Wilson intervals.
 * `since`/`until` take a duration before now (`24h`, `7d`), Unix milliseconds or an ISO date;
 * `until` is exclusive and defaults to now. Mounted on the admin app, behind its admin-key check.
 */
export function registerRoutingQualityRoutes(admin: Hono<GatewayEnv>, dependencies: RoutingQualityRouteDependencies): void {
  const now = dependencies.now ?? Date.now;
  admin.get('/routing/quality', async (context) => {
    const unknown = Object.keys(context.req.queries()).filter((name) => !KNOWN_PARAMS.has(name));
    if (unknown.length > 0) {
      throw new InvalidRequestError(`Unknown query parameter '${unknown[0]}'; expected since, until or workload.`, { param: unknown[0] });
    }
    const at = now();
    const since = parseUsageTime(single(context.req.queries('since'), 'since') ?? DEFAULT_SINCE, 'since', at);
    const untilText = single(context.req.queries('until'), 'until');
    // By default the range includes pairs stored in this very millisecond.
    const until = untilText === undefined ? at + 1 : parseUsageTime(untilText, 'until', at);
    if (until <= since) throw new InvalidRequestError('until must be after since.', { param: 'until' });
    const workload = single(context.req.queries('workload'), 'workload');
    if (workload !== undefined && workload.trim() === '') throw new InvalidRequestError('workload must not be empty.', { param: 'workload' });
    const store = dependencies.store;
    if (store === undefined) {
      throw new InvalidRequestError('The request log is off (request_log.enabled: false), so no shadow pairs are stored.', { code: 'request_log_disabled' });
    }
    const rows = await store.shadowSummary({ since, until, ...(workload === undefined ? {} : { workload }) });
    const response: RoutingQualityResponse = { since, until, workloads: routingQualityRows(rows) };
    return context.json(response);
  });
}

function single(values: string[] | undefined, param: string): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new InvalidRequestError(`${param} was given ${values.length} times; give it once.`, { param });
  return values[0];
}
