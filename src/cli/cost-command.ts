import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderAsciiChart, type ChartOptions, type ChartSeries } from '../core/cost/ascii-chart.js';
import {
  DAYS_PER_MONTH,
  breakevenModel,
  costCurves,
  findBreakeven,
  plotRangeTokensPerDay,
  priceDropScenarios,
  type Breakeven,
  type BreakevenInput,
} from '../core/cost/breakeven.js';
import { defaultPriceCatalogue } from '../core/cost/price-catalogue.js';
import { renderSvgChart } from '../core/cost/svg-chart.js';
import { fail, printResult, table } from './cli-output.js';

interface BreakevenOptions {
  apiInputPrice?: string;
  apiOutputPrice?: string;
  apiModel?: string;
  gpuHourUsd?: string;
  gpus: string;
  throughput?: string;
  utilisation: string;
  engineeringUsdPerMonth: string;
  inputShare: string;
  svg?: string;
  json?: boolean;
}

const PRICE_DROPS = [0, 0.2, 0.4, 0.6];

export function registerCostCommands(program: Command): void {
  const cost = program.command('cost').description('cost accounting tools');
  cost
    .command('breakeven')
    .description('at what volume does self-hosting an open model beat a closed API?')
    .option('--api-input-price <usd>', 'API input price, US$ per 1M tokens')
    .option('--api-output-price <usd>', 'API output price, US$ per 1M tokens')
    .option('--api-model <id>', 'take the API prices from the price catalogue (e.g. gpt-4o)')
    .option('--gpu-hour-usd <usd>', 'what one GPU costs per hour')
    .option('--gpus <count>', 'GPUs per replica', '1')
    .option('--throughput <tokens-per-second>', 'measured tokens/s one replica sustains (input and output)')
    .option('--utilisation <fraction>', 'share of paid GPU time serving traffic, (0, 1]', '0.6')
    .option('--engineering-usd-per-month <usd>', 'engineering and operations overhead of self-hosting', '0')
    .option('--input-share <fraction>', 'fraction of tokens that are input', '0.75')
    .option('--svg <file>', 'also write the curves as an SVG file')
    .option('--json', 'machine-readable output')
    .action(async (options: BreakevenOptions) => {
      const json = options.json === true;
      try {
        const { input, api } = parseBreakevenOptions(options);
        const report = buildBreakevenReport(input, api);
        if (options.svg) await writeFile(options.svg, renderSvgChart(report.chart.series, report.chart.options));
        printResult(json, report.json, () => formatBreakevenText(report));
      } catch (error) {
        fail(error, json);
      }
    });
}

/** Where the API prices came from, when taken from the catalogue. */
export interface ApiSource {
  model?: string;
  pricedAt?: string;
  asOf?: string;
}

function parseBreakevenOptions(options: BreakevenOptions): { input: BreakevenInput; api: ApiSource } {
  const api: ApiSource = {};
  let apiInputPerMtok: number;
  let apiOutputPerMtok: number;
  if (options.apiModel !== undefined) {
    const match = defaultPriceCatalogue().find(options.apiModel);
    if (!match) throw new Error(`--api-model: '${options.apiModel}' is not in the price catalogue; give --api-input-price and --api-output-price`);
    // The catalogue is credited only for the prices it supplied.
    if (options.apiInputPrice === undefined || options.apiOutputPrice === undefined) {
      Object.assign(api, { model: match.entry.id, pricedAt: match.entry.provider, asOf: match.entry.as_of });
    } else api.model = match.entry.id;
    apiInputPerMtok = options.apiInputPrice === undefined ? match.entry.input_per_mtok : number('--api-input-price', options.apiInputPrice, { min: 0 });
    apiOutputPerMtok = options.apiOutputPrice === undefined ? match.entry.output_per_mtok : number('--api-output-price', options.apiOutputPrice, { min: 0 });
  } else {
    if (options.apiInputPrice === undefined || options.apiOutputPrice === undefined) {
      throw new Error('--api-input-price and --api-output-price (or --api-model) are required');
    }
    apiInputPerMtok = number('--api-input-price', options.apiInputPrice, { min: 0 });
    apiOutputPerMtok = number('--api-output-price', options.apiOutputPrice, { min: 0 });
  }
  if (options.gpuHourUsd === undefined) throw new Error('--gpu-hour-usd is required');
  if (options.throughput === undefined) throw new Error('--throughput is required');
  const gpus = number('--gpus', options.gpus, { min: 1 });
  if (!Number.isInteger(gpus)) throw new Error(`--gpus: expected a whole number of GPUs, got '${options.gpus}'`);
  return {
    api,
    input: {
      apiInputPerMtok,
      apiOutputPerMtok,
      inputShare: number('--input-share', options.inputShare, { min: 0, max: 1 }),
      gpuHourUsd: number('--gpu-hour-usd', options.gpuHourUsd, { above: 0 }),
      gpus,
      throughputTokensPerSecond: number('--throughput', options.throughput, { above: 0 }),
      utilisation: number('--utilisation', options.utilisation, { above: 0, max: 1 }),
      engineeringUsdPerMonth: number('--engineering-usd-per-month', options.engineeringUsdPerMonth, { min: 0 }),
    },
  };
}

function number(option: string, text: string, bounds: { min?: number; above?: number; max?: number }): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const range = [
    bounds.min !== undefined ? `≥ ${bounds.min}` : undefined,
    bounds.above !== undefined ? `> ${bounds.above}` : undefined,
    bounds.max !== undefined ? `≤ ${bounds.max}` : undefined,
  ].filter((part) => part !== undefined);
  const ok =
    Number.isFinite(value) &&
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.above === undefined || value > bounds.above) &&
    (bounds.max === undefined || value <= bounds.max);
  if (!ok) throw new Error(`${option}: expected a number ${range.join(' and ')}, got '${text}'`);
  return value;
}

export interface BreakevenReport {
  input: BreakevenInput;
  api: ApiSource;
  model: ReturnType<typeof breakevenModel>;
  breakeven: Breakeven;
  scenarios: ReturnType<typeof priceDropScenarios>;
  json: unknown;
  chart: { series: ChartSeries[]; options: ChartOptions };
}

export function buildBreakevenReport(input: BreakevenInput, api: ApiSource = {}): BreakevenReport {
  const model = breakevenModel(input);
  const breakeven = findBreakeven(model);
  const scenarios = priceDropScenarios(input, PRICE_DROPS);
  const curves = costCurves(model, plotRangeTokensPerDay(model, breakeven), 64);
  const series: ChartSeries[] = [
    { name: 'API', symbol: 'a', colour: '#d62728', values: curves.apiUsdPerDay },
    { name: 'self-hosted', symbol: 's', colour: '#1f77b4', values: curves.selfHostedUsdPerDay },
  ];
  const chartOptions: ChartOptions = {
    xValues: curves.tokensPerDay,
    height: 16,
    title: 'Cost per day vs tokens per day',
    xLabel: 'tokens per day',
    yLabel: 'US$ per day',
    formatX: formatTokens,
    formatY: (value) => `$${formatCompact(value)}`,
    ...(breakeven.tokensPerDay === undefined ? {} : { marker: { x: breakeven.tokensPerDay, label: 'break-even' } }),
  };
  const json = {
    api: { ...api, inputPerMtok: input.apiInputPerMtok, outputPerMtok: input.apiOutputPerMtok, inputShare: input.inputShare, blendedPerMtok: model.apiBlendedPerMtok },
    selfHosted: {
      gpuHourUsd: input.gpuHourUsd,
      gpus: input.gpus,
      throughputTokensPerSecond: input.throughputTokensPerSecond,
      utilisation: input.utilisation,
      engineeringUsdPerMonth: input.engineeringUsdPerMonth,
      replicaCapacityTokensPerDay: model.replicaCapacityTokensPerDay,
      replicaUsdPerDay: model.replicaUsdPerDay,
      overheadUsdPerDay: model.overheadUsdPerDay,
      perMtokAtCapacity: model.selfHostedPerMtokAtCapacity,
    },
    breakeven: breakevenJson(breakeven),
    priceDrops: scenarios.map((scenario) => ({ apiPriceDrop: scenario.apiPriceDrop, apiBlendedPerMtok: scenario.apiBlendedPerMtok, breakeven: breakevenJson(scenario.breakeven) })),
  };
  return { input, api, model, breakeven, scenarios, json, chart: { series, options: chartOptions } };
}

function breakevenJson(breakeven: Breakeven) {
  return {
    tokensPerDay: breakeven.tokensPerDay ?? null,
    tokensPerMonth: breakeven.tokensPerDay === undefined ? null : breakeven.tokensPerDay * DAYS_PER_MONTH,
    replicas: breakeven.replicas ?? null,
    exceedsOneReplica: breakeven.exceedsOneReplica,
    sustainedFromTokensPerDay: breakeven.sustainedFromTokensPerDay ?? null,
    costUsdPerDay: breakeven.costUsdPerDay ?? null,
  };
}

export function formatBreakevenText(report: BreakevenReport): string {
  const { input, model, breakeven, api } = report;
  const source = api.model === undefined ? '' : api.pricedAt === undefined ? ` (${api.model}, prices as given)` : ` (${api.model} at ${api.pricedAt}, ${api.asOf})`;
  const lines = [
    `API${source}: $${input.apiInputPerMtok} in / $${input.apiOutputPerMtok} out per 1M tokens; $${model.apiBlendedPerMtok.toFixed(3)} blended at ${Math.round(input.inputShare * 100)}% input`,
    `Self-hosted: ${gpuCount(input.gpus)} at $${input.gpuHourUsd}/h = $${model.replicaUsdPerDay.toFixed(2)}/day per replica + $${model.overheadUsdPerDay.toFixed(2)}/day overhead; ` +
      `capacity ${formatTokens(model.replicaCapacityTokensPerDay)} tokens/day per replica at ${Math.round(input.utilisation * 100)}% utilisation ($${model.selfHostedPerMtokAtCapacity.toFixed(3)} per 1M when full)`,
    '',
    describeBreakeven(breakeven, model.replicaCapacityTokensPerDay, input.gpus),
    '',
    table(
      ['API PRICE', 'BLENDED $/1M', 'BREAK-EVEN TOKENS/DAY', 'PER MONTH', 'REPLICAS', 'COST/DAY'],
      report.scenarios.map((scenario) => [
        scenario.apiPriceDrop === 0 ? 'list' : `-${Math.round(scenario.apiPriceDrop * 100)}%`,
        scenario.apiBlendedPerMtok.toFixed(3),
        scenario.breakeven.tokensPerDay === undefined ? 'never' : formatTokens(scenario.breakeven.tokensPerDay),
        scenario.breakeven.tokensPerDay === undefined ? '-' : formatTokens(scenario.breakeven.tokensPerDay * DAYS_PER_MONTH),
        scenario.breakeven.replicas === undefined ? '-' : `${scenario.breakeven.replicas} (${gpuCount(scenario.breakeven.replicas * input.gpus)})`,
        scenario.breakeven.costUsdPerDay === undefined ? '-' : `$${scenario.breakeven.costUsdPerDay.toFixed(2)}`,
      ]),
    ),
    '',
    renderAsciiChart(report.chart.series, report.chart.options),
  ];
  return lines.join('\n');
}

function describeBreakeven(breakeven: Breakeven, capacity: number, gpus: number): string {
  if (breakeven.tokensPerDay === undefined) {
    return `Self-hosting never wins: a full replica (${formatTokens(capacity)} tokens/day) costs more than the same tokens on the API.`;
  }
  const lines = [`Self-hosting wins from ${formatTokens(breakeven.tokensPerDay)} tokens/day ($${breakeven.costUsdPerDay!.toFixed(2)}/day either way).`];
  if (breakeven.exceedsOneReplica) {
    lines.push(
      `That is beyond one replica's capacity (${formatTokens(capacity)} tokens/day): it needs ${breakeven.replicas} replicas (${gpuCount(breakeven.replicas! * gpus)}).`,
    );
  }
  if (breakeven.sustainedFromTokensPerDay !== undefined && breakeven.sustainedFromTokensPerDay > breakeven.tokensPerDay) {
    lines.push(`Just after adding a replica the API is briefly cheaper again; self-hosting stays cheaper from ${formatTokens(breakeven.sustainedFromTokensPerDay)} tokens/day.`);
  }
  return lines.join('\n');
}

function gpuCount(gpus: number): string {
  return gpus === 1 ? '1 GPU' : `${gpus} GPUs`;
}

/** 1234567 → `1.23M`. */
export function formatTokens(tokens: number): string {
  return formatCompact(tokens);
}

function formatCompact(value: number): string {
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${trimNumber(value / size)}${suffix}`;
  }
  return trimNumber(value);
}

function trimNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}
