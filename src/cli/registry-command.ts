import type { Command } from 'commander';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import { formatPath } from '../core/config/format-config-path.js';
import { declaredUseOf } from '../core/governance/registry/declared-use.js';
import { checkRegistry, formatCheckReport } from '../core/governance/registry/registry-check.js';
import { describeRegistry, registryOf, type RegistryView } from '../core/governance/registry/registry-listing.js';
import type { Registry } from '../core/governance/registry/resolve-registry.js';
import { workloadUsage } from '../core/governance/registry/workload-usage.js';
import { findUngatedApprovals, type UngatedApproval } from '../evals/gating/ungated-approvals.js';
import { openEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import { readLiveRegistryState } from '../store/governance/read-live-registry-state.js';
import { applyOverlay } from '../core/governance/registry-state/apply-registry-overlay.js';
import { RegistryOverlay } from '../core/governance/registry-state/registry-overlay.js';
import { ConfigError, InvalidRequestError } from '../spec/errors.js';
import { CliExit, fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

/** Default horizon of `registry check`: a model deprecated within this many days fails it. */
export const DEFAULT_WITHIN_DAYS = 30;

/**
 * `switchyard registry list | check`. Returns the `registry` command so more subcommands
 * (`exposure`) can be attached: `registerRegistryCommands(program, [registerExposureCommand])`.
 */
export function registerRegistryCommands(program: Command, extraSubcommands: ReadonlyArray<(registry: Command) => void> = []): Command {
  const registry = program.command('registry').description('the model registry: licences, lifecycle, data terms, lineage, and CI checks');

  registry
    .command('list')
    .description('every model and deployment with its pin, openness, licence, data terms, owner, lifecycle, lineage and users')
    .option('-c, --config <file>', 'config file')
    .option('--json', 'machine-readable output')
    .action(async (options: { config?: string; json?: boolean }) => {
      const json = options.json === true;
      try {
        const { config } = await loadConfigForCli(options.config);
        const view = describeRegistry(await enforcedRegistry(config), config);
        printResult(json, view, () => formatRegistryView(view));
      } catch (error) {
        fail(error, json);
      }
    });

  registry
    .command('check')
    .description('fail (exit 1) when a workload depends on a model that is retired, unapproved, stale, deprecated soon, or licensed against its declared use')
    .option('-c, --config <file>', 'config file')
    .option('--within-days <days>', `fail on deprecation dates this many days away or sooner (default ${DEFAULT_WITHIN_DAYS})`)
    .option('--gates', 'also fail when an approved model has no passing gate for its current version on the eval set of a workload that uses it (reads the configured database)')
    .option('--json', 'machine-readable output')
    .action(async (options: { config?: string; withinDays?: string; gates?: boolean; json?: boolean }) => {
      const json = options.json === true;
      let passed = false;
      try {
        const withinDays = parseWithinDays(options.withinDays);
        const { config } = await loadConfigForCli(options.config);
        const registry = await enforcedRegistry(config);
        const report = checkRegistry(registry, workloadUsage(config), {
          withinDays,
          now: new Date(),
          declaredUse: (workload) => declaredUseOf(config.workloads[workload]),
        });
        const ungated = options.gates === true ? await ungatedApprovals(config, registry) : [];
        passed = report.ok && ungated.length === 0;
        printResult(json, options.gates === true ? { ...report, ok: passed, ungated } : report, () =>
          [formatCheckReport(report), ...ungated.map((finding) => `error  ungated  ${finding.workload}  ${finding.model}: ${finding.message}`)].join('\n'),
        );
      } catch (error) {
        fail(error, json);
      }
      // The report is the explanation, so the failure adds no second message.
      if (!passed) throw new CliExit(1);
    });

  for (const register of extraSubcommands) register(registry);
  return registry;
}

/**
 * Models approved in the registry as enforced (config plus live changes) without gate evidence in
 * the configured database (with the request log off there is none: all are reported).
 */
async function ungatedApprovals(config: ResolvedConfig, registry: Registry): Promise<UngatedApproval[]> {
  if (!config.requestLog.enabled) return findUngatedApprovals({ config, registry, store: undefined });
  const opened = await openEvaluationStore(config.storage);
  try {
    return await findUngatedApprovals({ config, registry, store: opened.store });
  } finally {
    await opened.close();
  }
}

/**
 * The registry as the gateway enforces it: the config's, with the live lifecycle changes stored in
 * the configured database laid over it (so CI fails on a model retired through the admin API).
 */
async function enforcedRegistry(config: ResolvedConfig): Promise<Registry> {
  const registry = loadRegistry(config);
  // Without a request log there is no database (configs built in code may also leave it out).
  if (config.requestLog?.enabled !== true) return registry;
  const entries = await readLiveRegistryState(config.storage);
  return entries.length === 0 ? registry : applyOverlay(registry, new RegistryOverlay(entries));
}

/** The config's registry; its problems (normally already config errors) stop the command. */
function loadRegistry(config: ResolvedConfig): Registry {
  const registry = registryOf(config);
  if (registry.issues.length > 0) {
    throw new ConfigError(registry.issues.map((problem) => ({ file: config.file, path: formatPath(problem.path), message: problem.message })));
  }
  return registry;
}

function parseWithinDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WITHIN_DAYS;
  const days = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(days)) {
    throw new InvalidRequestError(`--within-days: expected a whole number of days (0 or more), got '${value}'`, { param: 'within-days' });
  }
  return days;
}

function formatRegistryView(view: RegistryView): string {
  const modelRows = view.models.map((model) => [
    model.name,
    model.lifecycle,
    model.openness,
    model.license === null ? (model.unknownLicense === null ? '-' : `${model.unknownLicense} (unknown)`) : licenseSummary(model.license),
    model.owner ?? '-',
    model.pinnedVersion ?? '-',
    [model.deprecationDate, model.providerDeprecationDate === null ? null : `provider ${model.providerDeprecationDate}`].filter((date) => date !== null).join(', ') || '-',
    model.lineage === null ? '-' : `${model.lineage.baseModel}@${model.lineage.baseVersion}${model.lineage.stale ? ' STALE' : ''}`,
    summariseUses(model.usedBy),
  ]);
  const deploymentRows = view.deployments.map((deployment) => [
    deployment.id,
    deployment.model,
    deployment.providerType,
    deployment.version ?? '-',
    deployment.dataHandling.selfHosted ? 'yes' : 'no',
    deployment.dataHandling.retentionDays === null ? 'unknown' : deployment.dataHandling.zeroRetention ? 'zero' : `${deployment.dataHandling.retentionDays}d`,
    deployment.dataHandling.usedForTraining === null ? 'unknown' : deployment.dataHandling.usedForTraining ? 'yes' : 'no',
    deployment.dataHandling.regions.join(',') || '-',
    deployment.dataHandling.certifications.join(',') || '-',
    deployment.workloads.join(', ') || '-',
  ]);
  return [
    table(['MODEL', 'LIFECYCLE', 'OPENNESS', 'LICENCE', 'OWNER', 'PINNED', 'DEPRECATION', 'LINEAGE', 'USED BY'], modelRows),
    '',
    table(['DEPLOYMENT', 'MODEL', 'TYPE', 'VERSION', 'SELF-HOSTED', 'RETENTION', 'TRAINING', 'REGIONS', 'CERTS', 'WORKLOADS'], deploymentRows),
  ].join('\n');
}

function licenseSummary(license: NonNullable<RegistryView['models'][number]['license']>): string {
  const terms = [license.commercialUse ? 'commercial' : 'non-commercial'];
  if (license.maxMonthlyActiveUsers !== null) terms.push(`<=${license.maxMonthlyActiveUsers / 1_000_000}M MAU`);
  return `${license.key} (${terms.join(', ')})`;
}

/** `support: primary, fallback; batch: learned_strong`. */
function summariseUses(uses: RegistryView['models'][number]['usedBy']): string {
  const byWorkload = new Map<string, Set<string>>();
  for (const use of uses) byWorkload.set(use.workload, (byWorkload.get(use.workload) ?? new Set()).add(use.role));
  return [...byWorkload].map(([workload, roles]) => `${workload}: ${[...roles].join(', ')}`).join('; ') || '-';
}
