import type { CallWarning } from '../../../spec/chat-result.js';
import { toAnthropicErrorResponse } from '../../anthropic-wire/anthropic-error-body.js';
import { anthropicMessageId, toAnthropicMessage } from '../../anthropic-wire/anthropic-message-response.js';
import { createAnthropicSseFormatter } from '../../anthropic-wire/anthropic-message-stream.js';
import { convertAnthropicMessagesRequest } from '../../anthropic-wire/convert-anthropic-messages-request.js';
import { parseAnthropicMessagesRequest } from '../../anthropic-wire/parse-anthropic-messages-request.js';
import { REQUEST_ID_HEADER, type RouteDependencies } from '../../gateway-context.js';
import type { ApiExchange } from '../../request-context.js';
import { routingHeaders } from '../../response-headers.js';
import { ANTHROPIC_PARAMETER_NAMES } from '../../wire-parameter-names.js';
import { sendSse } from '../../sse/send-sse.js';
import { sendJson, sendJsonError } from '../../send-json.js';
import { readChatRequest } from './read-chat-request.js';
import { merged } from '../../../spec/merged.js';

/**
 * POST /v1/messages: the Anthropic Messages API over every configured model, so Anthropic SDK
 * clients reach OpenAI, Gemini or open models through the same pipeline as /v1/chat/completions.
 * Errors are answered here in Anthropic's format; the app-wide handler writes OpenAI's.
 */
export function messagesHandler(dependencies: RouteDependencies) {
  return async (exchange: ApiExchange): Promise<Response> => {
    try {
      return await createMessage(exchange, dependencies);
    } catch (error) {
      const requestId = exchange.requestId;
      const response = toAnthropicErrorResponse(error, requestId);
      if (response.status >= 500) {
        dependencies.logger.error({ err: error, requestId, path: exchange.path }, 'request failed');
      }
      return sendJsonError(exchange, response.body, response.status, merged(response.headers, { ...requestIdHeaders(requestId) }));
    }
  };
}

async function createMessage(exchange: ApiExchange, dependencies: RouteDependencies): Promise<Response> {
  const { request, meta } = await readChatRequest(exchange, dependencies, 'messages', (body) =>
    convertAnthropicMessagesRequest(parseAnthropicMessagesRequest(body)),
  );
  const requestId = request.requestId;

  if (!meta.stream) {
    const { plan, execution } = await dependencies.pipeline.generate(request);
    const result = execution.result;
    const message = toAnthropicMessage(result, {
      id: anthropicMessageId(result.response.id),
      model: result.response.modelId ?? execution.target.deployment.model,
      stopSequences: meta.stopSequences,
    });
    const warnings: CallWarning[] = [...meta.warnings, ...result.warnings];
    return sendJson(exchange, message, 200, merged(routingHeaders(requestId, plan, execution, warnings, ANTHROPIC_PARAMETER_NAMES), { ...requestIdHeaders(requestId) }));
  }

  const { plan, execution } = await dependencies.pipeline.stream(request);
  const metadata = execution.result.response;
  const formatter = createAnthropicSseFormatter({
    identity: {
      id: anthropicMessageId(metadata?.id),
      model: metadata?.modelId ?? execution.target.deployment.model,
      stopSequences: meta.stopSequences,
    },
  });
  const headers = merged(routingHeaders(requestId, plan, execution, [...meta.warnings, ...(execution.result.warnings ?? [])], ANTHROPIC_PARAMETER_NAMES), { ...requestIdHeaders(requestId) });
  return sendSse(exchange, headers, execution.result.events, formatter);
}

/** Anthropic SDKs read the request id from `request-id` (exposed as `requestID`); ours is `x-request-id`. */
function requestIdHeaders(requestId: string): Record<string, string> {
  return { [REQUEST_ID_HEADER]: requestId, 'request-id': requestId };
}
