import type { Command } from 'commander';
import { createLogger } from '../core/telemetry/create-logger.js';
import { startGateway } from '../server/start-gateway.js';
import { fail } from './cli-output.js';
import { EMBEDDED_CONFIG_NAME, loadConfigForCli } from './resolve-config-source.js';
import { GC_HELPERS_ENV, tuneGcForOneCpu } from './single-core-gc.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the gateway')
    .option('-c, --config <file>', 'config file (default: $SWITCHYARD_CONFIG, ./switchyard.yaml, else the embedded default)')
    .option('--host <host>', 'address to listen on (default: $HOST, server.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: $PORT, server.port, 4000)')
    .action(async (options: { config?: string; host?: string; port?: string }) => {
      const logger = createLogger();
      const gcFlags = tuneGcForOneCpu();
      if (gcFlags.length > 0) logger.info({ v8Flags: gcFlags }, `one CPU available: V8's GC helper threads are off (${GC_HELPERS_ENV}=on keeps them)`);
      let loaded;
      try {
        loaded = await loadConfigForCli(options.config);
      } catch (error) {
        fail(error, false);
      }
      const portText = options.port ?? process.env.PORT;
      const port = portText === undefined ? undefined : Number(portText);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) fail(new Error(`invalid port '${portText}'`), false);
      for (const warning of loaded.config.warnings) logger.warn(warning);
      try {
        const gateway = await startGateway({
          config: loaded.config,
          configFile: loaded.file,
          host: options.host ?? process.env.HOST,
          port,
          logger,
          handleSignals: true,
        });
        logger.info(
          { url: gateway.url, config: loaded.file ?? EMBEDDED_CONFIG_NAME, models: Object.keys(loaded.config.models) },
          `Switchyard listening on ${gateway.url} (OpenAI base URL: ${gateway.url}/v1, dashboard: ${gateway.url}/ui/)`,
        );
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down; waiting for in-flight requests');
          gateway.close().then(
            () => {
              logger.flush();
              process.exit(0);
            },
            () => process.exit(1),
          );
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      } catch (error) {
        fail(error, false);
      }
    });
}
