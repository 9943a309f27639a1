import type { Command } from 'commander';
import { DEFAULT_FALLBACK_CONDITIONS, FALLBACK_CONDITIONS, type FallbackCondition } from '../core/routing/fallback-condition.js';
import { fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

export function registerModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list logical models, their deployments, and workloads')
    .option('-c, --config <file>', 'config file')
    .option('--json', 'machine-readable output')
    .action(async (options: { config?: string; json?: boolean }) => {
      const json = options.json === true;
      try {
        const { config } = await loadConfigForCli(options.config);
        const models = Object.values(config.models).map((model) => ({
          name: model.name,
          kind: model.kind,
          deployments: model.deployments.map((deployment) => ({
            id: deployment.id,
            provider: deployment.provider,
            providerType: deployment.providerConfig.type,
            model: deployment.model,
            version: deployment.version ?? null,
            contextWindow: deployment.context_window ?? null,
            pricing: deployment.pricing ?? null,
          })),
        }));
        const workloads = Object.values(config.workloads).map((workload) => ({
          name: workload.name,
          model: workload.model,
          // Conditions as a list (a Set prints as {} in JSON), in the schema's order.
          fallbacks: workload.fallbacks.map((rule) => ({ model: rule.model, on: FALLBACK_CONDITIONS.filter((condition) => rule.on.has(condition)) })),
        }));
        printResult(json, { models, workloads }, () => {
          const rows = models.flatMap((model) =>
            model.deployments.map((deployment, index) => [
              index === 0 ? model.name : '',
              index === 0 ? model.kind : '',
              deployment.id,
              deployment.providerType,
              deployment.contextWindow === null ? '-' : String(deployment.contextWindow),
              deployment.pricing ? `$${deployment.pricing.input_per_mtok ?? 0} / $${deployment.pricing.output_per_mtok ?? 0}` : '-',
            ]),
          );
          const workloadRows = workloads.map((workload) => [`workload/${workload.name}`, workload.model, workload.fallbacks.map(describeFallback).join(', ') || '-']);
          return [
            table(['MODEL', 'KIND', 'DEPLOYMENT', 'TYPE', 'CONTEXT', 'PRICE IN/OUT PER 1M'], rows),
            '',
            table(['WORKLOAD', 'MODEL', 'FALLBACKS'], workloadRows),
          ].join('\n');
        });
      } catch (error) {
        fail(error, json);
      }
    });
}

/** `frontier`, or `frontier (on rate_limit, timeout)` when the rule narrows the default conditions. */
function describeFallback(rule: { model: string; on: readonly FallbackCondition[] }): string {
  const isDefault = rule.on.length === DEFAULT_FALLBACK_CONDITIONS.size && rule.on.every((condition) => DEFAULT_FALLBACK_CONDITIONS.has(condition));
  return isDefault ? rule.model : `${rule.model} (on ${rule.on.join(', ')})`;
}
