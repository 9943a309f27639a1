import { loadConfigText } from '../../src/core/config/load-config.js';
import { createLogger } from '../../src/core/telemetry/create-logger.js';
import type { RequestObserver, RequestSummary } from '../../src/core/pipeline/request-summary.js';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.js';
import { createGatewayApp } from '../../src/server/app.js';
import { buildGatewayRuntime } from '../../src/core/registry/gateway-runtime.js';
import { RuntimeHolder } from '../../src/core/registry/runtime-holder.js';

export interface TestGateway extends RunningGateway {
  /** Summaries the gateway recorded, in completion order. */
  summaries: RequestSummary[];
}

/** Starts a real gateway on a free loopback port with the given YAML config. */
export async function startTestGateway(
  yaml: string,
  options: { configFile?: string; env?: NodeJS.ProcessEnv; recordRequests?: boolean } = {},
): Promise<TestGateway> {
  const config = loadConfigText(yaml, options.configFile ?? 'test.yaml', { env: options.env ?? process.env });
  const summaries: RequestSummary[] = [];
  const observer: RequestObserver = { onRequestEnd: (summary) => summaries.push(summary) };
  const gateway = await startGateway({
    config,
    configFile: options.configFile,
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ level: 'silent' }),
    observer,
    // Tests that do not look at the request log need no database file.
    recordRequests: options.recordRequests ?? false,
  });
  return Object.assign(gateway, { summaries });
}

/** The minimal config from the gateway-core issue, pointed at a fake upstream. */
export function minimalConfig(upstreamUrl: string): string {
  return `providers:
  local:
    type: openai
    base_url: ${upstreamUrl}/v1
    api_key: \${LOCAL_KEY:-none}
models:
  mock-model:
    deployments:
      - provider: local
        model: mock-model
`;
}

/** An in-process app (no port) for route tests with `app.request()`. */
export function createTestApp(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const config = loadConfigText(yaml, 'test.yaml', { env });
  const holder = new RuntimeHolder(buildGatewayRuntime(config), undefined);
  const summaries: RequestSummary[] = [];
  const app = createGatewayApp({ holder, logger: createLogger({ level: 'silent' }), observer: { onRequestEnd: (summary) => summaries.push(summary) } });
  return { app, holder, summaries };
}
