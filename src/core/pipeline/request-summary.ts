import type { ChatCall } from '../../spec/chat-call.js';
import type { WaitClock } from '../../spec/wait-clock.js';
import type { ChatResult } from '../../spec/chat-result.js';
import type { AttemptRecord } from '../../spec/errors.js';
import type { Usage } from '../../spec/usage.js';
import type { PolicyDecision } from '../governance/policy/policy-decision.js';
import type { EvaluationSample } from '../evaluation/evaluation-sampling.js';

/** What the gateway records about one finished request. Built on the request path, consumed off it. */
export interface RequestSummary {
  requestId: string;
  startedAt: number;
  durationMs: number;
  endpoint: 'chat' | 'embeddings' | 'messages';
  stream: boolean;
  requestedModel: string;
  /** Name of the client's virtual key, if keys are configured. */
  apiKey?: string;
  workload?: string;
  /** The logical model the route started with. */
  routeModel?: string;
  routeReason?: string;
  /** Which router decided and, for cascades, how the tiers went. */
  routing?: RoutingOutcome;
  /** The data policy's decision: class, findings by kind (never values), denied deployments, refusal. */
  policy?: PolicyDecision;
  deployment?: string;
  upstreamModel?: string;
  /** OpenAI's `system_fingerprint` of the answer, where the provider sends one (version-drift tracking). */
  systemFingerprint?: string;
  status: number;
  errorCode?: string;
  attempts: AttemptRecord[];
  usage?: Usage;
  /** Why the answer ended (`stop`, `length`, `tool-calls`, …), for traces. */
  finishReason?: string;
  timeToFirstTokenMs?: number;
  /** Answered from the response cache: no upstream was called, so no attempt was made or billed. */
  cacheHit?: boolean;
  /**
   * The request's wait clock, when the server edge kept one: the recorder reads the gateway's own
   * time from it (wall time less waiting on providers, clients and backoff) once the response is out.
   */
  waitClock?: WaitClock;
  /**
   * The request as the client sent it (messages, tools, tool choice, response format), attached
   * only when `request_log.capture_payloads` is on. Raw: the recorder redacts it off the request path.
   */
  requestPayload?: CapturedRequest;
  /** The answer (its content parts; for streams, what was streamed), under the same condition. */
  responsePayload?: CapturedResponse;
  /**
   * Present when the request was drawn for online judging or a shadow run (its workload's
   * `evaluation` sample rates): the call and the answer, for the background evaluators only (never
   * logged as a payload).
   */
  evaluationSample?: EvaluationSample;
}

export interface RoutingOutcome {
  /** `rules`, `learned`, `cascade` or `default` (the workload's or model's own route). */
  router: string;
  /** The learned router's score (higher = needs the strong model), when it was computed. */
  score?: number;
  /** A cascade's tiers (logical models, cheapest first) and the index of the one that answered. */
  tiers?: readonly string[];
  tier?: number;
  /** Each cascade tier's outcome, in order. */
  steps?: readonly CascadeStepSummary[];
  /**
   * The first tier's answer when a check rejected it and the cascade escalated: a reference to what
   * the request already paid for, so shadow evaluation compares the answer the cascade really
   * turned down instead of asking again. Never logged.
   */
  rejectedCheapAnswer?: CapturedResponse;
}

export interface CascadeStepSummary {
  model: string;
  outcome: 'accepted' | 'escalated' | 'failed';
  /** The check that failed (or `unavailable`), and why. */
  check?: string;
  reason?: string;
}

export interface CapturedRequest {
  messages: ChatCall['messages'];
  tools?: ChatCall['tools'];
  toolChoice?: ChatCall['toolChoice'];
  responseFormat?: ChatCall['responseFormat'];
}

export interface CapturedResponse {
  content: ChatResult['content'];
  finishReason?: string;
}

/** Receives request summaries. Implementations must not block: they are called after the response. */
export interface RequestObserver {
  onRequestEnd(summary: RequestSummary): void;
}
