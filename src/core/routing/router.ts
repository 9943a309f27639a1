import type { ChatCall } from '../../spec/chat-call.js';

/**
 * What every router sees about one chat request. Built once per request; anything costly
 * (token counts) is computed lazily and only when a router asks.
 */
export interface RoutingContext {
  readonly call: ChatCall;
  readonly workload: string;
  /** Task tag: header `x-switchyard-task`, else the body's `metadata.task`. */
  readonly task?: string;
  /** Request metadata: the body's `metadata` object and `x-switchyard-meta-<key>` headers (header wins). */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * Input tokens of this request as the given logical model would count them: a real tokenizer for
   * OpenAI models, a documented estimate for others. Cached per tokenizer, so repeated asks are free.
   */
  inputTokens(model: string): number;
  /**
   * The prompt's embedding, computed before routing when the workload's learned router reads one
   * (asynchronous work routers may not do); absent when it was not needed or did not come in time.
   */
  readonly promptEmbedding?: ArrayLike<number>;
}

/** Where a router sends a request: an ordered list of logical models, or a cascade. */
export type RouteDecision =
  | {
      kind: 'models';
      /** Logical models in order: the first is primary, the rest are tried if it fails. */
      models: readonly string[];
      /** Which router decided (`rules`, `learned`, `cascade`, `default`). */
      router: string;
      /** Why, for the response header and the request log (`rule long-input: input_tokens 9120 > 8000`). */
      reason: string;
      /** The learned router's score (higher = needs the strong model), when it decided. */
      score?: number;
    }
  | {
      kind: 'cascade';
      /** Logical models from cheapest to strongest; each answer but the last is checked before it is accepted. */
      tiers: readonly string[];
      router: string;
      reason: string;
      score?: number;
    };

/**
 * One router of a workload's chain. Routers run in configured order (rules, then learned, then
 * cascade); the first to return a decision wins, and `undefined` leaves the request to the next.
 * Decisions are synchronous: routing is on the hot path and must not do I/O.
 */
export interface Router {
  readonly name: string;
  decide(context: RoutingContext): RouteDecision | undefined;
}
