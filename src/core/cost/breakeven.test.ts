import { describe, expect, it } from 'vitest';
import { niceCeiling, renderAsciiChart, type ChartSeries } from './ascii-chart.js';
import {
  apiUsdPerDay,
  breakevenModel,
  costCurves,
  findBreakeven,
  priceDropScenarios,
  selfHostedUsdPerDay,
  type BreakevenInput,
} from './breakeven.js';
import { renderSvgChart } from './svg-chart.js';

/**
 * Hand-checked case. API: 0.75 × $2.50 + 0.25 × $10 = $4.375 per 1M tokens.
 * Replica: 1 GPU × $2/h × 24 = $48/day, serving 1,000 tok/s × 86,400 s × 0.5 = 43.2M tokens/day.
 * Overhead: $3,650/month × 12 / 365 = $120/day.
 */
const input: BreakevenInput = {
  apiInputPerMtok: 2.5,
  apiOutputPerMtok: 10,
  inputShare: 0.75,
  gpuHourUsd: 2,
  gpus: 1,
  throughputTokensPerSecond: 1000,
  utilisation: 0.5,
  engineeringUsdPerMonth: 3650,
};

describe('break-even maths', () => {
  it('models the API as linear and self-hosting as a fixed cost per replica plus overhead', () => {
    const model = breakevenModel(input);
    expect(model.apiBlendedPerMtok).toBeCloseTo(4.375, 12);
    expect(model.replicaCapacityTokensPerDay).toBe(43_200_000);
    expect(model.replicaUsdPerDay).toBe(48);
    expect(model.overheadUsdPerDay).toBeCloseTo(120, 10);
    expect(model.selfHostedPerMtokAtCapacity).toBeCloseTo(48 / 43.2, 10);
    expect(apiUsdPerDay(model, 10_000_000)).toBeCloseTo(43.75, 10);
    expect(selfHostedUsdPerDay(model, 0)).toBeCloseTo(168, 10);
    expect(selfHostedUsdPerDay(model, 43_200_000)).toBeCloseTo(168, 10);
    expect(selfHostedUsdPerDay(model, 43_200_001)).toBeCloseTo(216, 10);
  });

  it('finds the first volume where the API line meets the staircase', () => {
    const breakeven = findBreakeven(breakevenModel(input));
    // ($48 + $120) / $4.375 per 1M = 38.4M tokens/day, within one replica's 43.2M.
    expect(breakeven.tokensPerDay).toBeCloseTo(38_400_000, 3);
    expect(breakeven).toMatchObject({ replicas: 1, exceedsOneReplica: false });
    expect(breakeven.costUsdPerDay).toBeCloseTo(168, 10);
    // At 43.2M+ a second replica costs $216/day while the API costs $189: cheaper again until
    // $216 / $4.375 = 49.371M; from there on (k(pC − G) = 141k ≥ 168 for k ≥ 2) self-hosting stays cheaper.
    expect(breakeven.sustainedFromTokensPerDay).toBeCloseTo(216_000_000 / 4.375, 3);
  });

  it('without overhead, breaks even where the API matches one replica', () => {
    const breakeven = findBreakeven(breakevenModel({ ...input, engineeringUsdPerMonth: 0 }));
    expect(breakeven.tokensPerDay).toBeCloseTo(48_000_000 / 4.375, 3);
    expect(breakeven.sustainedFromTokensPerDay).toBeCloseTo(breakeven.tokensPerDay!, 3);
  });

  it('moves out with API price drops, past one replica: more GPUs are needed', () => {
    const scenarios = priceDropScenarios(input, [0, 0.2, 0.4, 0.6]);
    expect(scenarios.map((scenario) => scenario.apiBlendedPerMtok)).toEqual([4.375, 3.5, 2.625, 1.75].map((value) => expect.closeTo(value, 10)));
    // -20%: pC − G = 151.2 − 48 = 103.2 → n* = ⌈120 / 103.2⌉ = 2; (2 × 48 + 120) / 3.5 = 61.714M.
    // -40%: 113.4 − 48 = 65.4 → n* = 2; 216 / 2.625 = 82.286M.
    // -60%: 75.6 − 48 = 27.6 → n* = ⌈4.35⌉ = 5; (5 × 48 + 120) / 1.75 = 205.714M (≤ 5 × 43.2M).
    expect(scenarios.map((scenario) => scenario.breakeven.replicas)).toEqual([1, 2, 2, 5]);
    expect(scenarios.map((scenario) => scenario.breakeven.exceedsOneReplica)).toEqual([false, true, true, true]);
    expect(scenarios[1]!.breakeven.tokensPerDay).toBeCloseTo(216_000_000 / 3.5, 2);
    expect(scenarios[2]!.breakeven.tokensPerDay).toBeCloseTo(216_000_000 / 2.625, 2);
    expect(scenarios[3]!.breakeven.tokensPerDay).toBeCloseTo(360_000_000 / 1.75, 2);
  });

  it('never breaks even when a full replica costs more than its tokens on the API', () => {
    // 100 tok/s × 86,400 × 0.5 = 4.32M tokens/day: $18.90 on the API against $48 of GPU.
    const breakeven = findBreakeven(breakevenModel({ ...input, throughputTokensPerSecond: 100 }));
    expect(breakeven).toEqual({ tokensPerDay: undefined, replicas: undefined, exceedsOneReplica: false, sustainedFromTokensPerDay: undefined, costUsdPerDay: undefined });
  });

  it('agrees with a brute-force scan of both cost curves', () => {
    for (const drop of [0, 0.3, 0.55]) {
      const model = breakevenModel({ ...input, apiInputPerMtok: 2.5 * (1 - drop), apiOutputPerMtok: 10 * (1 - drop) });
      const curves = costCurves(model, 400_000_000, 400_001);
      const index = curves.apiUsdPerDay.findIndex((api, position) => api >= curves.selfHostedUsdPerDay[position]!);
      expect(findBreakeven(model).tokensPerDay).toBeCloseTo(curves.tokensPerDay[index]!, -4);
    }
  });
});

describe('charts', () => {
  const series: ChartSeries[] = [
    { name: 'API', symbol: 'a', colour: '#d62728', values: [0, 25, 50, 75, 100] },
    { name: 'self-hosted', symbol: 's', colour: '#1f77b4', values: [50, 50, 50, 100, 100] },
  ];
  const options = {
    xValues: [0, 1, 2, 3, 4],
    height: 5,
    xLabel: 'tokens per day',
    yLabel: 'US$ per day',
    formatX: (value: number) => `${value}M`,
    formatY: (value: number) => `$${value}`,
    marker: { x: 2, label: 'break-even' },
  };

  it('rounds the y axis up to a round number', () => {
    expect([niceCeiling(345), niceCeiling(100), niceCeiling(0.07), niceCeiling(0)]).toEqual([400, 100, 0.08, 1]);
  });

  it('draws both curves, where they meet, the marker and a legend', () => {
    expect(renderAsciiChart(series, options)).toBe(
      [
        '      US$ per day',
        '$100 ┤  :s*',
        '     ┤  :*',
        ' $50 ┤ss*',
        '     ┤ a:',
        '  $0 ┤a :',
        '     └─────',
        '      0M 4M',
        '      tokens per day',
        '      a API   s self-hosted   : break-even',
      ].join('\n'),
    );
  });

  it('writes a standalone SVG with a polyline per series and escaped labels', () => {
    const svg = renderSvgChart(series, { ...options, title: 'API <vs> self-hosted' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline points="[^"]+" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2"\/>/g)).toHaveLength(2);
    expect(svg).toContain('API &#60;vs&#62; self-hosted');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toMatch(/<script|href=/);
  });
});
