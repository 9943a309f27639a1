import type { ChatCall } from '../../spec/chat-call.js';
import type { WaitClock } from '../../spec/wait-clock.js';
import type { VirtualKey } from '../keys/virtual-key-registry.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import type { RoutePlan } from '../routing/resolve-route.js';
import type { RoutingHints } from '../routing/rules/routing-context.js';
import type { Execution } from './execute.js';
import type { RequestSummary } from './request-summary.js';

/** One request, already converted from its wire format. */
export interface PipelineRequest<TCall = ChatCall> {
  runtime: GatewayRuntime;
  /** The authenticated client; undefined when the gateway has no keys configured. */
  client?: VirtualKey;
  requestId: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  endpoint: RequestSummary['endpoint'];
  /** The model name the client sent (`<model>` or `workload/<name>`). */
  model: string;
  /** Value of the workload header, if any. */
  workload?: string;
  /**
   * A call the gateway makes for a workload's request (a prompt embedding for its router): `model`
   * is routed as named, and the request counts as the workload's (policy, limits, usage).
   */
  madeFor?: string;
  /** The task tag and metadata the client sent, for routing rules; read only when a workload routes. */
  hints?: () => RoutingHints;
  call: TCall;
  /**
   * What the request waited on outside the gateway (set by the server edge, which also puts it on
   * the call for the adapters and finishes it when the response is out): the summary's gateway
   * overhead is its wall time less these waits.
   */
  waitClock?: WaitClock;
}

/** What the server edge knew of a request it refused before the pipeline (`recordRejected`). */
export interface RejectedRequest {
  requestId: string;
  startedAt: number;
  endpoint: RequestSummary['endpoint'];
  stream: boolean;
  /** The body's `model`, or '' when the body was unreadable. */
  requestedModel: string;
  /** Set once the key was accepted (a later step failed). */
  client?: VirtualKey;
}

export interface PipelineResult<T> {
  plan: RoutePlan;
  execution: Execution<T>;
}
