import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { WORKLOAD_HEADER } from '../../../core/routing/resolve-route.js';
import type { GatewayEnv, RouteDependencies } from '../../gateway-context.js';
import { UNSUPPORTED_PARAMS_HEADER } from '../../gateway-context.js';
import { authenticateClient } from '../../middleware/auth.js';
import { readJsonBody } from '../../middleware/read-json-body.js';
import { convertOpenAIChatRequest } from '../../openai-wire/convert-openai-chat-request.js';
import { openAIChatRequestSchema } from '../../openai-wire/openai-chat-request-schema.js';
import { toOpenAIChatCompletion } from '../../openai-wire/openai-chat-response.js';
import { createOpenAIChatSseFormatter } from '../../openai-wire/openai-chat-stream.js';
import { parseWireRequest } from '../../parse-wire-request.js';
import { routingHeaders } from '../../response-headers.js';
import { sendSse } from '../../sse/send-sse.js';
import { requestAbortSignal, requestHeader } from '../../request-context.js';
import { requestDeadlineMs } from '../../request-deadline.js';

/** POST /v1/chat/completions: the OpenAI Chat Completions API over every configured model. */
export function chatCompletionsHandler(dependencies: RouteDependencies) {
  return async (context: Context<GatewayEnv>): Promise<Response> => {
    const runtime = dependencies.holder.current;
    const server = runtime.config.server;
    const client = authenticateClient(context, runtime.keys);
    const body = await readJsonBody(context, server.max_body_bytes);
    const { call, meta } = convertOpenAIChatRequest(parseWireRequest(openAIChatRequestSchema, body));
    call.abortSignal = requestAbortSignal(context, requestDeadlineMs(context, runtime.config.server.request_timeout_ms));
    call.unsupportedSettings = unsupportedSettingsMode(context, server.unsupported_params);
    const requestId = context.get('requestId');
    const request = {
      runtime,
      client,
      requestId,
      startedAt: context.get('startedAt'),
      endpoint: 'chat' as const,
      model: meta.model,
      workload: requestHeader(context, WORKLOAD_HEADER),
      call,
    };
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
      return context.json(completion, 200, routingHeaders(requestId, plan, execution, result.warnings));
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
    return sendSse(context, routingHeaders(requestId, plan, execution), execution.result.events, formatter);
  };
}

/** `x-switchyard-unsupported-params: drop|reject` overrides `server.unsupported_params` per request. */
export function unsupportedSettingsMode(context: Context<GatewayEnv>, configured: 'reject' | 'drop'): 'warn' | 'error' {
  const header = requestHeader(context, UNSUPPORTED_PARAMS_HEADER);
  const mode = header === 'drop' || header === 'reject' ? header : configured;
  return mode === 'drop' ? 'warn' : 'error';
}
