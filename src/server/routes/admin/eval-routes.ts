import type { Hono } from 'hono';
import type { EvalRunFilter, EvaluationStore, GateFilter } from '../../../core/evaluation/evaluation-records.js';
import { withoutPerCaseDetail } from '../../../evals/gating/recorded-eval-run.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import { parseUsageTime } from '../../../store/usage-query.js';
import type { GatewayEnv } from '../../gateway-context.js';

export interface EvalRouteDependencies {
  /** Eval runs and gates; absent when the request log (and so the database) is off. */
  store: Pick<EvaluationStore, 'listEvalRuns' | 'listGates'> | undefined;
  now?: () => number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const RUN_PARAMETERS = ['workload', 'model', 'since', 'limit'] as const;
const GATE_PARAMETERS = ['workload', 'candidate', 'passed', 'since', 'limit'] as const;

/**
 * GET /admin/evals/runs?workload=&model=&since=&limit= — recorded eval-set runs (`eval run`,
 * `compare`, `gate`, drift re-runs), newest first, as `{ runs }`. Each run's report comes without
 * its per-case arrays, to keep the list small.
 * GET /admin/evals/gates?workload=&candidate=&passed=&since=&limit= — gate verdicts, newest first,
 * as `{ gates }`.
 * `since` takes a duration (24h, 7d), Unix milliseconds or an ISO date; `limit` 1–1000 (default
 * 100). An unknown parameter is a 400 naming it, so a typo never silently widens the list.
 * Mounted on the admin app, behind its admin-key check.
 */
export function registerEvalRoutes(admin: Hono<GatewayEnv>, dependencies: EvalRouteDependencies): void {
  const now = dependencies.now ?? Date.now;

  admin.get('/evals/runs', async (context) => {
    const query = readQuery(context.req.queries(), RUN_PARAMETERS);
    const filter: EvalRunFilter = { limit: parseLimit(query.limit) };
    if (query.workload !== undefined) filter.workload = query.workload;
    if (query.model !== undefined) filter.model = query.model;
    if (query.since !== undefined) filter.since = parseUsageTime(query.since, 'since', now());
    const runs = await requireStore(dependencies.store).listEvalRuns(filter);
    return context.json({ runs: runs.map(withoutPerCaseDetail) });
  });

  admin.get('/evals/gates', async (context) => {
    const query = readQuery(context.req.queries(), GATE_PARAMETERS);
    const filter: GateFilter = { limit: parseLimit(query.limit) };
    if (query.workload !== undefined) filter.workload = query.workload;
    if (query.candidate !== undefined) filter.candidate = query.candidate;
    if (query.passed !== undefined) filter.passed = parsePassed(query.passed);
    if (query.since !== undefined) filter.since = parseUsageTime(query.since, 'since', now());
    return context.json({ gates: await requireStore(dependencies.store).listGates(filter) });
  });
}

/** The query as one value per known parameter; unknown, repeated or empty parameters are 400s. */
function readQuery<Name extends string>(raw: Record<string, string[]>, known: readonly Name[]): Partial<Record<Name, string>> {
  const values: Partial<Record<Name, string>> = {};
  for (const [name, given] of Object.entries(raw)) {
    const parameter = known.find((candidate) => candidate === name);
    if (parameter === undefined) throw new InvalidRequestError(`Unknown query parameter '${name}'; expected ${known.join(', ')}.`, { param: name, code: 'unknown_parameter' });
    if (given.length !== 1) throw new InvalidRequestError(`${name} may be given once; got ${given.length} values.`, { param: name });
    const value = given[0]!.trim();
    if (value === '') throw new InvalidRequestError(`${name} must not be empty.`, { param: name });
    values[parameter] = value;
  }
  return values;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > MAX_LIMIT) throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}; got '${text}'.`, { param: 'limit' });
  return limit;
}

function parsePassed(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new InvalidRequestError(`passed must be true or false; got '${text}'.`, { param: 'passed' });
}

function requireStore(store: EvalRouteDependencies['store']): NonNullable<EvalRouteDependencies['store']> {
  if (store === undefined) throw new InvalidRequestError('The request log is off (request_log.enabled: false), so there is no database of eval runs and gates.', { code: 'request_log_disabled' });
  return store;
}
