import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { closeSharedDispatcher } from '../provider-utils/http-client.js';
import type { RequestObserver } from '../core/pipeline/request-summary.js';
import { buildGatewayRuntime } from '../core/registry/gateway-runtime.js';
import { RuntimeHolder } from '../core/registry/runtime-holder.js';
import { createRateLimitStore } from '../core/limits/create-rate-limit-store.js';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import { createGatewayApp } from './app.js';

export interface StartGatewayOptions {
  config: ResolvedConfig;
  /** The file to re-read on reload; without one, reload is refused. */
  configFile?: string;
  host?: string;
  port?: number;
  logger: Logger;
  observer?: RequestObserver;
  /** Reload on SIGHUP (the CLI turns this on; tests leave it off). */
  handleSignals?: boolean;
}

export interface RunningGateway {
  url: string;
  port: number;
  holder: RuntimeHolder;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

/** Starts the gateway's HTTP server on node. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const onLimiterError = (error: unknown) => options.logger.warn({ err: error }, 'rate-limit store failed while releasing a request');
  const limitStore = await createRateLimitStore(options.config.limitsStore);
  const holder = new RuntimeHolder(buildGatewayRuntime(options.config, { limitStore, onLimiterError }), options.configFile, onLimiterError);
  const app = createGatewayApp({ holder, logger: options.logger, observer: options.observer });
  const host = options.host ?? options.config.server.host ?? '127.0.0.1';
  const port = options.port ?? options.config.server.port ?? 4000;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(created));
    created.once('error', reject);
  });
  const nodeServer = server as import('node:http').Server;
  nodeServer.keepAliveTimeout = 65_000;
  nodeServer.headersTimeout = 66_000;
  nodeServer.requestTimeout = 0;
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const onHangup = () => {
    holder.reload().then(
      (runtime) => options.logger.info({ generation: runtime.generation }, 'config reloaded on SIGHUP'),
      (error: unknown) => options.logger.warn({ err: error }, 'config reload on SIGHUP rejected; the previous config keeps serving'),
    );
  };
  if (options.handleSignals) process.on('SIGHUP', onHangup);

  return {
    url,
    port: address.port,
    holder,
    async close() {
      if (options.handleSignals) process.off('SIGHUP', onHangup);
      const grace = holder.current.config.server.shutdown_grace_ms;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => nodeServer.closeAllConnections(), grace);
        timer.unref();
        nodeServer.close(() => {
          clearTimeout(timer);
          resolve();
        });
        nodeServer.closeIdleConnections();
      });
      await closeSharedDispatcher();
      await holder.close();
    },
  };
}
