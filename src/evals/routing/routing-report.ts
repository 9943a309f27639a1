import type { ChartOptions, ChartSeries } from '../../core/cost/ascii-chart.js';
import { renderSvgChart } from '../../core/cost/svg-chart.js';
import type { PolicyReport } from './routing-evaluation.js';
import { costShareForQuality, pairTotals, type CurvePoint, type PairTotals } from './routing-metrics.js';
import type { PairedPrompt } from './routing-pair.js';

/** Tables and the cost–quality chart of an evaluation, shared by `switchyard router eval` and the benchmark. */

export const POLICY_TABLE_HEADERS = [
  'POLICY',
  'QUALITY',
  'COST $',
  'COST SHARE',
  'STRONG SHARE',
  'PGR',
  'APGR',
  'CPT50',
  'CPT80',
  'CPT95',
  'UNDER-ESC',
  'OVER-ESC',
];

const percent = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)}%`);
const fixed = (value: number | undefined, digits = 3) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** One row per policy, at the setting chosen on train, measured on the evaluated split. */
export function policyTableRows(reports: readonly PolicyReport[]): string[][] {
  return reports.map((report) => [
    report.name,
    fixed(report.result.quality),
    report.result.cost.toFixed(4),
    percent(report.result.costShare),
    percent(report.result.strongShare),
    fixed(report.result.pgr),
    fixed(report.apgr),
    percent(report.cpt?.p50),
    percent(report.cpt?.p80),
    percent(report.cpt?.p95),
    percent(report.result.underEscalation),
    percent(report.result.overEscalation),
  ]);
}

/** Each policy's chosen setting and whether train met the criterion. */
export function settingRows(reports: readonly PolicyReport[]): string[][] {
  return reports.map((report) => [report.name, report.setting + (report.reachedOnTrain ? '' : ' (criterion not met on train)'), report.description]);
}

/**
 * The lowest cost share at which each policy reaches `share` × strong quality on the evaluated
 * split, reading its curve (hindsight: the setting is picked on the test curve, so this is a
 * bound on what a train-chosen setting can do).
 */
export function costShareAtQuality(report: PolicyReport, share: number, totals: PairTotals): number | undefined {
  return costShareForQuality(report.curve, share, totals);
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
const SYMBOLS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/**
 * The cost–quality chart: mean quality against cost as a share of all-strong cost, one line per
 * policy with a curve (fixed policies and single-point cascades are in the table only), plus the
 * 95%-of-strong-quality line.
 */
export function costQualityChart(
  reports: readonly PolicyReport[],
  prompts: readonly PairedPrompt[],
  options: { title: string; columns: number; maxCostShare?: number; targetShare?: number },
): { series: ChartSeries[]; options: ChartOptions } {
  const totals = pairTotals(prompts);
  const maxX = options.maxCostShare ?? 1;
  const xValues = Array.from({ length: options.columns }, (_unused, index) => (index / (options.columns - 1)) * maxX);
  const drawn = reports.filter((report) => report.curve.length > 1);
  const targetShare = options.targetShare ?? 0.95;
  const lines = [
    ...drawn.map((report) => ({ name: report.name, values: xValues.map((x) => qualityAtCost(report.curve, x)) })),
    { name: `${Math.round(targetShare * 100)}% of strong`, values: xValues.map(() => targetShare * totals.strongQuality) },
  ];
  // The shared chart renderers start the y axis at 0; the interesting band is all-weak..all-strong,
  // so values are drawn relative to a floor and the labels add it back.
  const lowest = Math.min(totals.weakQuality, ...lines.flatMap((line) => line.values.filter(Number.isFinite)));
  const floor = Math.max(0, Math.floor((lowest - 0.02) * 20) / 20);
  const series: ChartSeries[] = lines.map((line, index) => ({
    name: line.name,
    symbol: index === lines.length - 1 ? '-' : SYMBOLS[index % SYMBOLS.length]!,
    colour: index === lines.length - 1 ? '#aaaaaa' : COLOURS[index % COLOURS.length]!,
    values: line.values.map((value) => value - floor),
  }));
  return {
    series,
    options: {
      xValues,
      height: 16,
      title: options.title,
      xLabel: 'cost as a share of all-strong cost',
      yLabel: `mean quality (axis from ${floor.toFixed(2)})`,
      formatX: (value) => `${Math.round(value * 100)}%`,
      formatY: (value) => (value + floor).toFixed(2),
    },
  };
}

/** renderSvgChart's canvas; its one-row legend sits in the bottom 20 px. */
const SVG_WIDTH = 720;
const SVG_PLOT_HEIGHT = 400;

/**
 * The chart as SVG with a legend that wraps: the shared renderer's drawing is nested and clipped
 * above its one-row legend (which only fits three series), and a legend of several rows is drawn below.
 */
export function renderCostQualitySvg(chart: { series: ChartSeries[]; options: ChartOptions }): string {
  const inner = renderSvgChart(chart.series, chart.options).replace(/^<svg [^>]*>/, `<svg x="0" y="0" width="${SVG_WIDTH}" height="${SVG_PLOT_HEIGHT}" viewBox="0 0 ${SVG_WIDTH} ${SVG_PLOT_HEIGHT}">`);
  const perRow = 3;
  const rows = Math.ceil(chart.series.length / perRow);
  const height = SVG_PLOT_HEIGHT + 8 + rows * 20;
  const legend = chart.series.flatMap((line, index) => {
    const x = 80 + (index % perRow) * 215;
    const y = SVG_PLOT_HEIGHT + 8 + Math.floor(index / perRow) * 20;
    return [
      `<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${escapeXml(line.colour)}" stroke-width="2"/>`,
      `<text x="${x + 30}" y="${y + 4}">${escapeXml(line.name)}</text>`,
    ];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" viewBox="0 0 ${SVG_WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${SVG_WIDTH}" height="${height}" fill="white"/>`,
    inner.trimEnd(),
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Quality on a curve at a cost share, linear between points; NaN outside the curve's range. */
export function qualityAtCost(curve: readonly CurvePoint[], costShare: number): number {
  const ordered = [...curve].sort((left, right) => left.costShare - right.costShare);
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  if (!first || !last || costShare < first.costShare - 1e-12 || costShare > last.costShare + 1e-12) return Number.NaN;
  for (let index = 1; index < ordered.length; index += 1) {
    const left = ordered[index - 1]!;
    const right = ordered[index]!;
    if (costShare <= right.costShare) {
      const span = right.costShare - left.costShare;
      return span <= 0 ? Math.max(left.quality, right.quality) : left.quality + ((costShare - left.costShare) / span) * (right.quality - left.quality);
    }
  }
  return last.quality;
}

/** A JSON-friendly copy of a report (curves thinned to at most `maxPoints`, infinities as null). */
export function reportToJson(report: PolicyReport, maxPoints = 101): unknown {
  const step = Math.max(1, Math.ceil(report.curve.length / maxPoints));
  const curve = report.curve.filter((_point, index) => index % step === 0 || index === report.curve.length - 1);
  return {
    name: report.name,
    family: report.family,
    description: report.description,
    setting: report.setting,
    reachedOnTrain: report.reachedOnTrain,
    train: report.train,
    result: report.result,
    apgr: report.apgr ?? null,
    cpt: report.cpt ? { p50: report.cpt.p50 ?? null, p80: report.cpt.p80 ?? null, p95: report.cpt.p95 ?? null } : null,
    curve,
  };
}
