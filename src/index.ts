/**
 * Switchyard as a library: the spec (adapter contract and errors), the provider adapters, config
 * loading, the request pipeline and the HTTP app.
 */
export * from './spec/index.js';
export * from './provider-utils/index.js';
export { createOpenAICompatible, OPENAI_COMPATIBLE_PROFILES } from './providers/openai-compatible/index.js';
export { createAnthropic } from './providers/anthropic/index.js';
export { createGemini } from './providers/gemini/index.js';
export { createSimulated } from './providers/simulated/index.js';
export * from './core/config/index.js';
export { buildGatewayRuntime, type GatewayRuntime, type DeploymentTarget } from './core/registry/gateway-runtime.js';
export { RuntimeHolder } from './core/registry/runtime-holder.js';
export { resolveRoute, type RoutePlan } from './core/routing/resolve-route.js';
export { executeGenerate, executeStream, executeEmbed } from './core/pipeline/execute.js';
export type { RequestObserver, RequestSummary } from './core/pipeline/request-summary.js';
export { createGatewayApp, createGatewayHttp, type GatewayHttp } from './server/app.js';
export { startGateway, type RunningGateway, type StartGatewayOptions } from './server/start-gateway.js';
export { createLogger } from './core/telemetry/create-logger.js';
