import type { Context, Hono } from 'hono';
import { InvalidRequestError } from '../../../spec/errors.js';
import type { AggregateFilter, ListRequestsFilter, RequestLogStore } from '../../../store/request-log-store.js';
import type { GatewayEnv } from '../../gateway-context.js';

const GROUPS = ['workload', 'deployment', 'model', 'apiKey', 'hour', 'day'] as const;

/**
 * GET /admin/requests (filters: since, until, workload, api_key, model, deployment, status,
 * limit, cursor), GET /admin/requests/:id, and GET /admin/costs (since, until, group_by): the
 * request log and what it cost, with savings against each workload's reference model.
 */
export function registerRequestLogRoutes(admin: Hono<GatewayEnv>, store: RequestLogStore | undefined): void {
  const requireStore = (): RequestLogStore => {
    if (!store) throw new InvalidRequestError('The request log is off (request_log.enabled: false).', { code: 'request_log_disabled' });
    return store;
  };
  admin.get('/requests', async (context) => {
    const query = (name: string) => context.req.query(name);
    const filter: ListRequestsFilter = {
      ...timeRange(context),
      ...optional('workload', query('workload')),
      ...optional('apiKey', query('api_key')),
      ...optional('model', query('model')),
      ...optional('deployment', query('deployment')),
      ...optional('cursor', query('cursor')),
      ...(query('status') === undefined ? {} : { status: parseStatus(query('status')!) }),
      ...(query('limit') === undefined ? {} : { limit: parseNumber('limit', query('limit')!) }),
    };
    return context.json(await requireStore().listRequests(filter));
  });
  admin.get('/requests/:id', async (context) => {
    const record = await requireStore().getRequest(context.req.param('id'));
    if (!record) return context.json({ error: { message: `No request '${context.req.param('id')}' in the log.`, type: 'invalid_request_error', param: 'id', code: 'request_not_found' } }, 404);
    return context.json(record);
  });
  admin.get('/costs', async (context) => {
    const groupBy = context.req.query('group_by') ?? 'workload';
    if (!(GROUPS as readonly string[]).includes(groupBy)) {
      throw new InvalidRequestError(`group_by must be one of ${GROUPS.join(', ')}; got '${groupBy}'.`, { param: 'group_by' });
    }
    const range = timeRange(context);
    const filter: AggregateFilter = { since: range.since ?? Date.now() - 24 * 3_600_000, until: range.until ?? Date.now() + 1, groupBy: groupBy as AggregateFilter['groupBy'] };
    return context.json({ groupBy, since: filter.since, until: filter.until, rows: await requireStore().aggregate(filter) });
  });
}

function optional<Key extends string>(key: Key, value: string | undefined): Partial<Record<Key, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<Key, string>);
}

/** `since`/`until` as Unix milliseconds or ISO dates. */
function timeRange(context: Context<GatewayEnv>): { since?: number; until?: number } {
  const parse = (name: 'since' | 'until') => {
    const value = context.req.query(name);
    if (value === undefined) return {};
    const number = Number(value);
    const time = Number.isFinite(number) ? number : Date.parse(value);
    if (Number.isNaN(time)) throw new InvalidRequestError(`${name} must be Unix milliseconds or an ISO date; got '${value}'.`, { param: name });
    return { [name]: time };
  };
  return { ...parse('since'), ...parse('until') };
}

function parseNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidRequestError(`${name} must be a positive integer; got '${value}'.`, { param: name });
  return number;
}

function parseStatus(value: string): ListRequestsFilter['status'] {
  if (value === 'ok' || value === 'error') return value;
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidRequestError(`status must be ok, error or an HTTP status; got '${value}'.`, { param: 'status' });
  return number;
}
