import type { AttemptRecord } from '../../spec/errors.js';
import type { Usage } from '../../spec/usage.js';

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
  deployment?: string;
  upstreamModel?: string;
  status: number;
  errorCode?: string;
  attempts: AttemptRecord[];
  usage?: Usage;
  timeToFirstTokenMs?: number;
  /** Answered from the response cache: no upstream was called, so no attempt was made or billed. */
  cacheHit?: boolean;
}

/** Receives request summaries. Implementations must not block: they are called after the response. */
export interface RequestObserver {
  onRequestEnd(summary: RequestSummary): void;
}
