import { randomUUID } from 'node:crypto';
import type { RouteDependencies } from '../../gateway-context.js';
import type { ApiExchange } from '../../request-context.js';
import { convertOpenAIChatRequest } from '../../openai-wire/convert-openai-chat-request.js';
import { toOpenAIChatCompletion } from '../../openai-wire/openai-chat-response.js';
import { createOpenAIChatSseFormatter } from '../../openai-wire/openai-chat-stream.js';
import { parseOpenAIChatRequest } from '../../openai-wire/parse-openai-chat-request.js';
import { readChatRequest } from './read-chat-request.js';
import { routingHeaders } from '../../response-headers.js';
import { sendSse } from '../../sse/send-sse.js';
import { sendJson } from '../../send-json.js';

/** POST /v1/chat/completions: the OpenAI Chat Completions API over every configured model. */
export function chatCompletionsHandler(dependencies: RouteDependencies) {
  return async (exchange: ApiExchange): Promise<Response> => {
    const { request, meta } = await readChatRequest(exchange, dependencies, 'chat', (body) => convertOpenAIChatRequest(parseOpenAIChatRequest(body)));
    const requestId = request.requestId;
    const created = Math.floor(Date.now() / 1000);

    if (!meta.stream) {
      const { plan, execution } = await dependencies.pipeline.generate(request);
      const result = execution.result;
      const completion = toOpenAIChatCompletion(result, {
        id: result.response.id ?? `chatcmpl-${randomUUID()}`,
        created: result.response.created ?? created,
        model: result.response.modelId ?? execution.target.deployment.model,
        systemFingerprint: result.response.systemFingerprint,
      });
      return sendJson(exchange, completion, 200, routingHeaders(requestId, plan, execution, result.warnings));
    }

    const { plan, execution } = await dependencies.pipeline.stream(request);
    const metadata = execution.result.response;
    const formatter = createOpenAIChatSseFormatter({
      identity: {
        id: metadata?.id ?? `chatcmpl-${randomUUID()}`,
        created: metadata?.created ?? created,
        model: metadata?.modelId ?? execution.target.deployment.model,
        systemFingerprint: metadata?.systemFingerprint,
      },
      includeUsage: meta.includeUsage,
    });
    return sendSse(exchange, routingHeaders(requestId, plan, execution, execution.result.warnings), execution.result.events, formatter);
  };
}
