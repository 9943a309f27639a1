import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import { RequestPipeline } from '../core/pipeline/request-pipeline.js';
import { REQUEST_ID_HEADER, type GatewayDependencies, type GatewayEnv } from './gateway-context.js';
import { adminRoutes } from './routes/admin/admin-routes.js';
import { metricsHandler } from './routes/metrics.js';
import { chatCompletionsHandler } from './routes/v1/chat-completions.js';
import { embeddingsHandler } from './routes/v1/embeddings.js';
import { messagesHandler } from './routes/v1/messages.js';
import { modelsHandler } from './routes/v1/models.js';
import { exchangeOf, requestIdFrom } from './request-context.js';
import { createApiRequestListener, openAIErrorAnswer, type ApiHandler } from './api-request-listener.js';
import { dashboardRoutes } from './ui/dashboard-routes.js';
import { merged } from '../spec/merged.js';

/** The gateway's HTTP app: the OpenAI- and Anthropic-compatible APIs, health and admin routes. */
export function createGatewayApp(dependencies: GatewayDependencies): Hono<GatewayEnv> {
  return createGatewayHttp(dependencies).app;
}

/** What a node server runs: the API's own listener first, and the app for everything else. */
export interface GatewayHttp {
  app: Hono<GatewayEnv>;
  /** Answers a POST to an API endpoint and returns true; returns false for the app to answer. */
  handleApiRequest(incoming: IncomingMessage, outgoing: ServerResponse): boolean;
}

/**
 * The app and the API's own node listener, for a node server of one's own (as `startGateway` does):
 * with `const appListener = getRequestListener(app.fetch)` from `@hono/node-server`, serve
 * `(req, res) => { if (!handleApiRequest(req, res)) void appListener(req, res); }`.
 * (`createGatewayApp` alone serves the same routes, all through Hono.)
 */
export function createGatewayHttp(dependencies: GatewayDependencies): GatewayHttp {
  const app = new Hono<GatewayEnv>();
  const routeDependencies = merged(dependencies, { pipeline: new RequestPipeline(dependencies.observer) });
  // Served by node, these are answered by `handleApiRequest` before Hono; the app's routes answer them in-process.
  const apiRoutes = new Map<string, ApiHandler>([
    ['/v1/chat/completions', chatCompletionsHandler(routeDependencies)],
    ['/v1/embeddings', embeddingsHandler(routeDependencies)],
    ['/v1/messages', messagesHandler(routeDependencies)],
  ]);

  app.use('*', async (context, next) => {
    const incomingId = context.env?.incoming ? context.env.incoming.headers[REQUEST_ID_HEADER] : context.req.header(REQUEST_ID_HEADER);
    context.set('requestId', requestIdFrom(incomingId));
    context.set('startedAt', performance.now());
    await next();
  });

  app.get('/healthz', (context) => context.json({ status: 'ok' }));
  app.get('/readyz', (context) => {
    const runtime = dependencies.holder.current;
    return context.json({ status: 'ready', generation: runtime.generation, deployments: runtime.targets.size });
  });

  for (const [path, handler] of apiRoutes) app.post(path, (context) => handler(exchangeOf(context)));
  app.get('/v1/models', modelsHandler(dependencies));
  app.route('/admin', adminRoutes(dependencies));
  // The dashboard: login, built assets, and a read-only proxy that answers its GETs through this app's /admin.
  app.route(
    '/ui',
    dashboardRoutes({
      adminKey: () => dependencies.holder.current.config.server.admin_key,
      forwardToAdmin: (request) => app.fetch(request),
    }),
  );
  if (dependencies.metrics) app.get('/metrics', metricsHandler(dependencies.holder, dependencies.metrics));

  app.notFound((context) => {
    const message = `No route for ${context.req.method} ${context.req.path}.`;
    const headers = { [REQUEST_ID_HEADER]: context.get('requestId') };
    // Anthropic SDK calls (e.g. /v1/messages/count_tokens) get Anthropic's error shape, so the SDK raises NotFoundError.
    if (context.req.path.startsWith('/v1/messages/')) return context.json({ type: 'error', error: { type: 'not_found_error', message } }, 404, headers);
    return context.json({ error: { message, type: 'invalid_request_error', param: null, code: 'not_found' } }, 404, headers);
  });

  app.onError((error, context) => {
    const response = openAIErrorAnswer(error, context.get('requestId') ?? '', context.req.path, dependencies.logger);
    return context.json(response.body, response.status as 400, response.headers);
  });

  return { app, handleApiRequest: createApiRequestListener(apiRoutes, dependencies.logger) };
}
