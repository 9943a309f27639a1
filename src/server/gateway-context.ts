import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { RequestPipeline } from '../core/pipeline/request-pipeline.js';
import type { RequestObserver } from '../core/pipeline/request-summary.js';
import type { RuntimeHolder } from '../core/registry/runtime-holder.js';

/** Hono environment of the gateway app: node bindings plus per-request variables. */
export interface GatewayEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    startedAt: number;
  };
}

/** What the app needs from its host process. */
export interface GatewayDependencies {
  holder: RuntimeHolder;
  logger: Logger;
  observer?: RequestObserver;
}

/** What route handlers use: the dependencies plus the pipeline built from them. */
export interface RouteDependencies extends GatewayDependencies {
  pipeline: RequestPipeline;
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const UNSUPPORTED_PARAMS_HEADER = 'x-switchyard-unsupported-params';
