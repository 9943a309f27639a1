import { WORKLOAD_HEADER } from '../../../core/routing/resolve-route.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import type { RouteDependencies } from '../../gateway-context.js';
import { authenticateClient } from '../../middleware/auth.js';
import { readJsonBody } from '../../middleware/read-json-body.js';
import { openAIEmbeddingRequestSchema, type OpenAIEmbeddingRequest } from '../../openai-wire/openai-chat-request-schema.js';
import { parseWireRequest } from '../../parse-wire-request.js';
import { routingHeaders } from '../../response-headers.js';
import { requestAbortSignal, requestHeader, requestWaitClock, type ApiExchange } from '../../request-context.js';
import { requestDeadlineMs } from '../../request-deadline.js';
import { recordRejection } from './read-chat-request.js';
import { sendJson } from '../../send-json.js';

/** POST /v1/embeddings. `encoding_format: base64` is answered as little-endian float32, as OpenAI does. */
export function embeddingsHandler(dependencies: RouteDependencies) {
  return async (exchange: ApiExchange): Promise<Response> => {
    const runtime = dependencies.holder.current;
    // Refused keys are not recorded (see readChatRequest).
    const client = authenticateClient(exchange, runtime.keys);
    let body: unknown;
    let request: OpenAIEmbeddingRequest;
    let input: string[];
    try {
      body = await readJsonBody(exchange, runtime.config.server.max_body_bytes);
      request = parseWireRequest(openAIEmbeddingRequestSchema, body);
      input = typeof request.input === 'string' ? [request.input] : request.input;
      if (input.some((text) => text === '')) {
        throw new InvalidRequestError("'input' must not contain empty strings.", { param: 'input' });
      }
    } catch (error) {
      recordRejection(exchange, dependencies, 'embeddings', error, client, body);
      throw error;
    }
    const requestId = exchange.requestId;
    const waitClock = requestWaitClock(exchange);
    const { plan, execution } = await dependencies.pipeline.embed({
      runtime,
      client,
      requestId,
      startedAt: exchange.startedAt,
      endpoint: 'embeddings',
      model: request.model,
      workload: requestHeader(exchange, WORKLOAD_HEADER),
      call: {
        input,
        ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
        ...(request.user === undefined ? {} : { user: request.user }),
        abortSignal: requestAbortSignal(exchange, requestDeadlineMs(exchange, runtime.config.server.request_timeout_ms)),
        waitClock,
      },
      waitClock,
    });
    const result = execution.result;
    const base64 = request.encoding_format === 'base64';
    const inputTokens = result.usage.inputTokens ?? 0;
    return sendJson(
      exchange,
      {
        object: 'list',
        data: result.embeddings.map((embedding, index) => ({
          object: 'embedding',
          index,
          embedding: base64 ? Buffer.from(new Float32Array(embedding).buffer).toString('base64') : embedding,
        })),
        model: result.response.modelId ?? execution.target.deployment.model,
        usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
      },
      200,
      routingHeaders(requestId, plan, execution, result.warnings),
    );
  };
}
