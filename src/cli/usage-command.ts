import type { Command } from 'commander';
import { createRequestLogStore } from '../store/create-request-log-store.js';
import type { StorageConfig } from '../store/storage-config.js';
import { DEFAULT_USAGE_SINCE, parseUsageQuery, queryUsage, type UsageReport } from '../store/usage-query.js';
import { fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

interface UsageOptions {
  by: string;
  since: string;
  until?: string;
  workload?: string;
  apiKey?: string;
  deployment?: string;
  model?: string;
  config?: string;
  json?: boolean;
}

/** `switchyard usage`: the request log's usage report, read straight from the configured storage. */
export function registerUsageCommand(program: Command): void {
  program
    .command('usage')
    .description('requests, tokens, cost, savings, error/escalation rates and latency from the request log')
    .option('--by <groupings>', 'comma-separated: workload, model, deployment, apiKey, hour, day', 'workload')
    .option('--since <time>', 'a duration before now (30m, 24h, 7d), Unix ms or an ISO date', DEFAULT_USAGE_SINCE)
    .option('--until <time>', 'end of the range, exclusive (default: now)')
    .option('--workload <name>', 'only this workload')
    .option('--api-key <name>', 'only this virtual key')
    .option('--deployment <id>', 'only this deployment')
    .option('--model <name>', 'only this model (as requested, or the route model)')
    .option('--config <file>', 'config file whose storage to read (default: SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--json', 'machine-readable output')
    .action(async (options: UsageOptions) => {
      const json = options.json === true;
      try {
        // Parsed before anything is opened, so a bad flag fails fast and touches no database.
        const query = parseUsageQuery(
          {
            by: options.by,
            since: options.since,
            until: options.until,
            workload: options.workload,
            apiKey: options.apiKey,
            deployment: options.deployment,
            model: options.model,
          },
          Date.now(),
          { by: '--by', since: '--since', until: '--until' },
        );
        const { config } = await loadConfigForCli(options.config);
        const report = await readUsage(config.storage, query);
        printResult(json, report, () => formatUsageTable(report));
      } catch (error) {
        fail(error, json);
      }
    });
}

async function readUsage(storage: StorageConfig, query: Parameters<typeof queryUsage>[1]): Promise<UsageReport> {
  const store = await createRequestLogStore(storage);
  try {
    // A gateway that has not run since an upgrade may not have migrated the log yet.
    await store.migrate();
    return await queryUsage(store, query);
  } finally {
    await store.close();
  }
}

export function formatUsageTable(report: UsageReport): string {
  const range = `${new Date(report.since).toISOString()} – ${new Date(report.until).toISOString()}`;
  if (report.rows.length === 0) return `No requests logged in ${range}.`;
  const headers = [
    ...report.by.map((grouping) => grouping.toUpperCase()),
    'REQUESTS',
    'ERRORS',
    'ESCALATED',
    'FALLBACK',
    'IN TOKENS',
    'OUT TOKENS',
    'COST $',
    'SAVED $',
    'P50 MS',
    'P95 MS',
    'P99 MS',
    'OVERHEAD P99 MS',
  ];
  const rows = report.rows.map((row) => [
    ...report.by.map((grouping) => row.keys[grouping] || '-'),
    String(row.requests),
    percent(row.errorRate),
    percent(row.escalationRate),
    percent(row.fallbackRate),
    String(row.inputTokens),
    String(row.outputTokens),
    row.costUsd.toFixed(4),
    row.savingsUsd.toFixed(4),
    row.p50LatencyMs.toFixed(0),
    row.p95LatencyMs.toFixed(0),
    row.p99LatencyMs.toFixed(0),
    row.p99OverheadMs === undefined ? '-' : row.p99OverheadMs.toFixed(2),
  ]);
  return `${range}\n\n${table(headers, rows)}`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
