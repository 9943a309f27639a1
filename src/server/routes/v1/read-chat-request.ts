import type { PipelineRequest } from '../../../core/pipeline/request-pipeline.js';
import type { RequestSummary } from '../../../core/pipeline/request-summary.js';
import { WORKLOAD_HEADER } from '../../../core/routing/resolve-route.js';
import type { VirtualKey } from '../../../core/keys/virtual-key-registry.js';
import type { ChatCall } from '../../../spec/chat-call.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import type { RouteDependencies } from '../../gateway-context.js';
import { UNSUPPORTED_PARAMS_HEADER } from '../../gateway-context.js';
import { authenticateClient } from '../../middleware/auth.js';
import { readJsonBody } from '../../middleware/read-json-body.js';
import { requestAbortSignal, requestHeader, requestHeaders, requestWaitClock, type ApiExchange } from '../../request-context.js';
import { routingHintsFrom } from '../../../core/routing/rules/routing-context.js';
import { requestDeadlineMs } from '../../request-deadline.js';
import { isJsonRecord } from '../../../spec/is-json-record.js';

/**
 * What every chat endpoint does before its wire format's own work: authenticate, read the body,
 * convert it with the endpoint's converter, and attach the request's abort signal (client gone or
 * deadline) and unsupported-parameter mode. Returns the pipeline request and the converter's meta.
 */
export async function readChatRequest<Meta extends { model: string }>(
  exchange: ApiExchange,
  dependencies: RouteDependencies,
  endpoint: RequestSummary['endpoint'],
  convert: (body: unknown) => { call: ChatCall; meta: Meta },
): Promise<{ request: PipelineRequest; meta: Meta }> {
  const runtime = dependencies.holder.current;
  const server = runtime.config.server;
  // Refused keys are not recorded: a client without a key must not be able to write to the log.
  const client = authenticateClient(exchange, runtime.keys);
  let body: unknown;
  let converted: { call: ChatCall; meta: Meta };
  try {
    body = await readJsonBody(exchange, server.max_body_bytes);
    converted = convert(body);
    converted.call.unsupportedSettings = unsupportedSettingsMode(exchange, server.unsupported_params);
  } catch (error) {
    recordRejection(exchange, dependencies, endpoint, error, client, body);
    throw error;
  }
  const { call, meta } = converted;
  call.abortSignal = requestAbortSignal(exchange, requestDeadlineMs(exchange, server.request_timeout_ms));
  const waitClock = requestWaitClock(exchange);
  call.waitClock = waitClock;
  const request: PipelineRequest = {
    runtime,
    client,
    requestId: exchange.requestId,
    startedAt: exchange.startedAt,
    endpoint,
    model: meta.model,
    workload: requestHeader(exchange, WORKLOAD_HEADER),
    // Read only when the workload has routing rules to ask.
    hints: () => routingHintsFrom(requestHeaders(exchange), isJsonRecord(body) ? body['metadata'] : undefined),
    call,
    waitClock,
  };
  return { request, meta };
}

/**
 * Records a request refused at the edge (unreadable body, invalid field) before it reached the
 * pipeline, with what is known of it: its key, and the body's model and stream flag if it parsed.
 */
export function recordRejection(
  exchange: ApiExchange,
  dependencies: RouteDependencies,
  endpoint: RequestSummary['endpoint'],
  error: unknown,
  client: VirtualKey | undefined,
  body: unknown,
): void {
  const fields = isJsonRecord(body) ? body : {};
  dependencies.pipeline.recordRejected(
    {
      requestId: exchange.requestId,
      startedAt: exchange.startedAt,
      endpoint,
      stream: fields['stream'] === true,
      requestedModel: typeof fields['model'] === 'string' ? fields['model'] : '',
      ...(client === undefined ? {} : { client }),
    },
    error,
  );
}

/** `x-switchyard-unsupported-params: drop|reject` overrides `server.unsupported_params` per request. */
export function unsupportedSettingsMode(exchange: ApiExchange, configured: 'reject' | 'drop'): 'warn' | 'error' {
  const header = requestHeader(exchange, UNSUPPORTED_PARAMS_HEADER);
  if (header !== undefined && header !== 'drop' && header !== 'reject') {
    throw new InvalidRequestError(`Header ${UNSUPPORTED_PARAMS_HEADER} must be 'drop' or 'reject'; got '${header.slice(0, 40)}'.`, { param: UNSUPPORTED_PARAMS_HEADER });
  }
  const mode = header ?? configured;
  return mode === 'drop' ? 'warn' : 'error';
}
