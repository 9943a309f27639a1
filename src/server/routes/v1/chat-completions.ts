import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { executeGenerate, executeStream } from '../../../core/pipeline/execute.js';
import { resolveRoute, WORKLOAD_HEADER } from '../../../core/routing/resolve-route.js';
import type { GatewayDependencies, GatewayEnv } from '../../gateway-context.js';
import { UNSUPPORTED_PARAMS_HEADER } from '../../gateway-context.js';
import { authenticateClient } from '../../middleware/auth.js';
import { readJsonBody } from '../../middleware/read-json-body.js';
import { convertOpenAIChatRequest } from '../../openai-wire/convert-openai-chat-request.js';
import { openAIChatRequestSchema } from '../../openai-wire/openai-chat-request-schema.js';
import { toOpenAIChatCompletion } from '../../openai-wire/openai-chat-response.js';
import { toOpenAIChatStream } from '../../openai-wire/openai-chat-stream.js';
import { parseWireRequest } from '../../parse-wire-request.js';
import { routingHeaders } from '../../response-headers.js';
import { SSE_HEADERS } from '../../sse-headers.js';

/** POST /v1/chat/completions: the OpenAI Chat Completions API over every configured model. */
export function chatCompletionsHandler(dependencies: GatewayDependencies) {
  return async (context: Context<GatewayEnv>): Promise<Response> => {
    const runtime = dependencies.holder.current;
    const server = runtime.config.server;
    authenticateClient(context, server.api_keys);
    const body = await readJsonBody(context, server.max_body_bytes);
    const { call, meta } = convertOpenAIChatRequest(parseWireRequest(openAIChatRequestSchema, body));
    call.abortSignal = context.req.raw.signal;
    call.unsupportedSettings = unsupportedSettingsMode(context, server.unsupported_params);
    const plan = resolveRoute(runtime, { model: meta.model, workload: context.req.header(WORKLOAD_HEADER), kind: 'chat' });
    const requestId = context.get('requestId');
    const created = Math.floor(Date.now() / 1000);

    if (!meta.stream) {
      const execution = await executeGenerate(plan, call);
      const result = execution.result;
      const completion = toOpenAIChatCompletion(result, {
        id: result.response.id ?? `chatcmpl-${randomUUID()}`,
        created: result.response.created ?? created,
        model: result.response.modelId ?? execution.target.deployment.model,
        systemFingerprint: result.response.systemFingerprint,
      });
      dependencies.observer?.onRequestEnd({
        requestId,
        startedAt: context.get('startedAt'),
        durationMs: performance.now() - context.get('startedAt'),
        endpoint: 'chat',
        stream: false,
        requestedModel: meta.model,
        workload: plan.workload,
        routeReason: plan.reason,
        deployment: execution.target.deployment.id,
        upstreamModel: result.response.modelId,
        status: 200,
        attempts: execution.attempts,
        usage: result.usage,
      });
      return context.json(completion, 200, routingHeaders(requestId, plan, execution, result.warnings));
    }

    const execution = await executeStream(plan, call);
    const metadata = execution.result.response;
    const stream = toOpenAIChatStream(execution.result.stream, {
      identity: {
        id: metadata?.id ?? `chatcmpl-${randomUUID()}`,
        created: metadata?.created ?? created,
        model: metadata?.modelId ?? execution.target.deployment.model,
        systemFingerprint: metadata?.systemFingerprint,
      },
      includeUsage: meta.includeUsage,
      onEnd: (outcome) =>
        dependencies.observer?.onRequestEnd({
          requestId,
          startedAt: context.get('startedAt'),
          durationMs: performance.now() - context.get('startedAt'),
          endpoint: 'chat',
          stream: true,
          requestedModel: meta.model,
          workload: plan.workload,
          routeReason: plan.reason,
          deployment: execution.target.deployment.id,
          status: 200,
          errorCode: outcome.error === undefined ? undefined : 'stream_error',
          attempts: execution.attempts,
          usage: outcome.usage,
        }),
    });
    return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...routingHeaders(requestId, plan, execution) } });
  };
}

export function unsupportedSettingsMode(context: Context<GatewayEnv>, configured: 'reject' | 'drop'): 'warn' | 'error' {
  const header = context.req.header(UNSUPPORTED_PARAMS_HEADER);
  const mode = header === 'drop' || header === 'reject' ? header : configured;
  return mode === 'drop' ? 'warn' : 'error';
}

