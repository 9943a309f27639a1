import type { Command } from 'commander';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import { queryExposure, type ExposureReport } from '../core/governance/exposure/compute-exposure.js';
import { DEFAULT_EXPOSURE_DAYS, parseExposureDays, type ExposureCatalogue } from '../core/governance/exposure/exposure-catalogue.js';
import { EXPOSURE_TARGET_KINDS, resolveExposureTarget, type ExposureTargetKind } from '../core/governance/exposure/exposure-target.js';
import { InvalidRequestError } from '../spec/errors.js';
import { openGovernanceStore, type OpenedGovernanceStore } from '../store/governance/open-governance-store.js';
import type { StorageConfig } from '../store/storage-config.js';
import { fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

export interface ExposureCommandDependencies {
  /** The registry's and policy engine's view of a config (see `ExposureCatalogue`). */
  catalogueOf(config: ResolvedConfig): ExposureCatalogue;
  /** Default: the configured storage, opened on this thread. */
  openStore?: (storage: StorageConfig) => Promise<OpenedGovernanceStore>;
  now?: () => number;
}

interface ExposureOptions {
  days?: string;
  kind?: string;
  config?: string;
  json?: boolean;
}

/**
 * `switchyard registry exposure <model | provider | license>`: which workloads use it and how, its
 * share of their traffic and cost over the last N days, and whether each has an approved
 * alternative its policy allows. Added to the `registry` command group.
 */
export function registerExposureCommand(registryCommand: Command, dependencies: ExposureCommandDependencies): void {
  registryCommand
    .command('exposure')
    .description('which workloads depend on a model, provider or licence, and how much of their traffic and cost it carries')
    .argument('<target>', 'a model (logical name or provider model id), a provider, or a licence')
    .option('--days <n>', 'look back this many days in the request log', String(DEFAULT_EXPOSURE_DAYS))
    .option('--kind <kind>', `read the target as this kind only: ${EXPOSURE_TARGET_KINDS.join(', ')}`)
    .option('--config <file>', 'config file (default: SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--json', 'machine-readable output')
    .action(async (targetText: string, options: ExposureOptions) => {
      const json = options.json === true;
      try {
        // Flags are checked before anything is opened, so a typo fails fast and touches no database.
        const days = parseExposureDays(options.days, '--days');
        const kind = parseKind(options.kind);
        const { config } = await loadConfigForCli(options.config);
        const catalogue = dependencies.catalogueOf(config);
        const target = resolveExposureTarget(targetText, kind, catalogue.deployments, '<target>');
        const opened = await (dependencies.openStore ?? openGovernanceStore)(config.storage);
        let report: ExposureReport;
        try {
          report = await queryExposure(opened.store, { target, days, now: (dependencies.now ?? Date.now)(), ...catalogue });
        } finally {
          await opened.close();
        }
        printResult(json, report, () => formatExposure(report));
      } catch (error) {
        fail(error, json);
      }
    });
}

function parseKind(text: string | undefined): ExposureTargetKind | undefined {
  if (text === undefined) return undefined;
  const kind = EXPOSURE_TARGET_KINDS.find((candidate) => candidate === text);
  if (kind === undefined) throw new InvalidRequestError(`--kind must be one of ${EXPOSURE_TARGET_KINDS.join(', ')}; got '${text}'.`, { param: '--kind' });
  return kind;
}

export function formatExposure(report: ExposureReport): string {
  const heading = `${report.target.kind} ${report.target.value}: ${report.models.length} model(s) [${report.models.join(', ')}], deployments [${report.deployments.join(', ')}], last ${report.days} day(s)`;
  if (report.workloads.length === 0) return `${heading}\n\nNo workload uses it, and no request in the window reached it.`;
  const rows = report.workloads.map((row) => [
    row.workload ?? '(direct requests)',
    row.uses.length === 0 ? '-' : row.uses.map((use) => (use.via === undefined ? `${use.role} ${use.model}` : `${use.role} ${use.model} (${use.via})`)).join('; '),
    `${percent(row.trafficShare)} (${row.answeredByTarget}/${row.requests})`,
    `${percent(row.costShare)} ($${row.targetCostUsd.toFixed(4)}/$${row.costUsd.toFixed(4)})`,
    row.alternative === undefined ? '-' : row.alternative.exists ? `yes: ${row.alternative.deployments.join(', ')}` : 'NONE',
  ]);
  const total = `Total: ${report.totals.answeredByTarget} request(s) answered, $${report.totals.targetCostUsd.toFixed(4)} spent on it.`;
  return `${heading}\n\n${table(['WORKLOAD', 'USED AS', 'TRAFFIC', 'COST', 'APPROVED ALTERNATIVE'], rows)}\n\n${total}`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
