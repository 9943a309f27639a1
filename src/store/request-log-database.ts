/**
 * Row shapes of the request-log tables, as Kysely sees them. Columns are snake_case; times are
 * Unix milliseconds; booleans are 0/1 integers and nested values JSON text, so both SQLite and
 * PostgreSQL store them the same way.
 */
export interface RequestLogDatabase {
  requests: RequestRow;
  request_attempts: RequestAttemptRow;
}

export interface RequestRow {
  id: string;
  time_ms: number;
  duration_ms: number;
  endpoint: string;
  stream: number;
  api_key: string | null;
  workload: string | null;
  requested_model: string;
  route_model: string | null;
  route_reason: string | null;
  deployment: string | null;
  upstream_model: string | null;
  status: number;
  error_code: string | null;
  cache_hit: number;
  time_to_first_token_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  cache_write_input_tokens: number | null;
  cost_usd: number | null;
  reference_cost_usd: number | null;
  policy_json: string | null;
  payload_json: string | null;
  /** 1 when a cascade tier above the cheapest answered (migration 0003; before it, see `fallback`). */
  escalated: number | null;
  /** 1 when a deployment other than the first attempted answered: retry elsewhere, hedge, fallback model. */
  fallback: number | null;
  router: string | null;
  route_score: number | null;
  cascade_tier: number | null;
  /** The cascade's tiers and per-tier outcomes, as JSON. */
  cascade_json: string | null;
  /** The gateway's own time for an answered request (migration 0007). */
  overhead_ms: number | null;
}

export interface RequestAttemptRow {
  request_id: string;
  attempt_index: number;
  /** The request's time and workload (migration 0004), for exposure queries without a join. */
  time_ms: number | null;
  workload: string | null;
  deployment: string;
  provider: string;
  code: string;
  message: string | null;
  upstream_status: number | null;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  retry: number | null;
  hedge: number | null;
  tier: number | null;
  purpose: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  cache_write_input_tokens: number | null;
  cost_usd: number | null;
}
