import type { Command } from 'commander';
import { describeConfig } from '../core/config/resolve-config.js';
import { buildOfflineRuntime } from '../core/registry/gateway-runtime.js';
import { fail, printResult } from './cli-output.js';
import { EMBEDDED_CONFIG_NAME, loadConfigForCli } from './resolve-config-source.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect and validate the config');
  config
    .command('check')
    .description('validate the config file: schema, env references, cross-references; prints no secret')
    .option('-c, --config <file>', 'config file')
    .option('--json', 'machine-readable output')
    .action(async (options: { config?: string; json?: boolean }) => {
      const json = options.json === true;
      try {
        const loaded = await loadConfigForCli(options.config);
        // Building the runtime validates provider-specific options too, exactly as `serve` would.
        buildOfflineRuntime(loaded.config);
        const summary = describeConfig(loaded.config);
        printResult(json, { ok: true, ...summary, warnings: loaded.config.warnings }, () =>
          [
            `ok: ${loaded.file ?? EMBEDDED_CONFIG_NAME}`,
            `  ${Object.keys(loaded.config.providers).length} providers, ${Object.keys(loaded.config.models).length} models, ` +
              `${Object.keys(loaded.config.deployments).length} deployments, ${Object.keys(loaded.config.workloads).length} workloads`,
            ...loaded.config.warnings.map((warning) => `  warning: ${warning}`),
          ].join('\n'),
        );
      } catch (error) {
        fail(error, json);
      }
    });
}
