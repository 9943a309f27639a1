import { describe, expect, it } from 'vitest';
import { assignFolds, calibrateThreshold } from './learned-router-evaluation.js';
import type { RoutingRow } from './routing-dataset.js';
import { evaluateParametricPolicy, evaluateScoreRouter } from './routing-evaluation.js';
import type { PairedPrompt } from './routing-pair.js';
import { costQualityChart, qualityAtCost, renderCostQualitySvg } from './routing-report.js';

function prompt(id: string, weakQuality: number, strongQuality: number, questionId?: string): PairedPrompt {
  const row: RoutingRow = { id, line: 1, prompt: id, split: 'test', promptTokens: 1, previousTurns: [], models: new Map(), ...(questionId ? { questionId } : {}) };
  return { row, weakQuality, strongQuality, weakCost: 1, strongCost: 10, goodEnough: weakQuality >= strongQuality };
}

// Train: the weak model fails exactly on scores above 0.5. Test: it fails on every prompt.
const TUNE = [prompt('t1', 1, 1), prompt('t2', 1, 1), prompt('t3', 0, 1), prompt('t4', 0, 1)];
const EVALUATE = [prompt('e1', 0, 1), prompt('e2', 0, 1), prompt('e3', 0, 1), prompt('e4', 0, 1)];
const CRITERION = { kind: 'target-quality', share: 0.95 } as const;

describe('settings are chosen on train and reported on test', () => {
  it('a score router keeps the train threshold even where test would want another', () => {
    const report = evaluateScoreRouter(
      { tune: TUNE, evaluate: EVALUATE, criterion: CRITERION },
      { name: 's', description: '', tuneScores: [[0.1, 0.2, 0.8, 0.9]], evaluateScores: [[0.1, 0.2, 0.8, 0.9]] },
    );
    // On train, threshold 0.2 sends t3, t4 to strong: quality 1 at cost 22 — the cheapest reaching 0.95.
    expect(report.setting).toBe('threshold 0.2');
    expect(report.train).toMatchObject({ quality: 1, strongShare: 0.5 });
    // The same threshold on test leaves e1, e2 with the weak model.
    expect(report.result).toMatchObject({ quality: 0.5, strongShare: 0.5, pgr: 0.5, underEscalation: 0.5 });
    expect(report.curve).toHaveLength(5);
  });

  it('a fixed (calibrated) threshold is used as given', () => {
    const report = evaluateScoreRouter(
      { tune: TUNE, evaluate: EVALUATE, criterion: CRITERION },
      { name: 's', description: '', tuneScores: [[0, 0, 0, 0]], evaluateScores: [[0.1, 0.2, 0.8, 0.9]], threshold: 0.85, thresholdNote: 'calibrated' },
    );
    expect(report.setting).toBe('threshold 0.85 (calibrated)');
    expect(report.result.strongShare).toBe(0.25);
  });

  it('a parametric policy picks the cheapest train setting reaching the target; its curve is the test frontier', () => {
    const outcomes = (prompts: readonly PairedPrompt[], strong: boolean) =>
      prompts.map((item) => (strong ? { quality: item.strongQuality, cost: 10, strongCalled: true } : { quality: item.weakQuality, cost: 1, strongCalled: false }));
    const report = evaluateParametricPolicy(
      { tune: TUNE, evaluate: EVALUATE, criterion: { kind: 'max-cost-share', share: 0.5 } },
      {
        name: 'p',
        family: 'cascade',
        description: '',
        settings: [false, true],
        label: (strong) => (strong ? 'all strong' : 'all weak'),
        outcomes: (which, strong) => outcomes(which === 'tune' ? TUNE : EVALUATE, strong),
      },
    );
    expect(report).toMatchObject({ setting: 'all weak', reachedOnTrain: true, result: { quality: 0, costShare: 0.1 } });
    expect(report.curve.map((point) => [point.costShare, point.quality])).toEqual([
      [0.1, 0],
      [1, 1],
    ]);
  });
});

describe('learned-router calibration helpers', () => {
  it('keeps the turns of one conversation in one fold', () => {
    const prompts = Array.from({ length: 20 }, (_unused, index) => prompt(`q${Math.floor(index / 2)}-t${(index % 2) + 1}`, 1, 1, `q${Math.floor(index / 2)}`));
    const folds = assignFolds(prompts, 5, 1);
    for (let index = 0; index < prompts.length; index += 2) expect(folds[index]).toBe(folds[index + 1]);
    expect(new Set(folds).size).toBe(5);
  });

  it('calibrates a threshold in [0, 1] that meets the target on held-out scores', () => {
    const calibration = calibrateThreshold(TUNE, [0.1, 0.2, 0.8, 0.9], CRITERION);
    expect(calibration.threshold).toBeCloseTo(0.5, 12);
    expect(calibration).toMatchObject({ reached: true, heldOut: { quality: 1, strongShare: 0.5 } });
    // The curve it was chosen from: every threshold considered, the chosen one with the held-out figures.
    expect(calibration.curve.map((point) => point.strongShare)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(calibration.curve.find((point) => point.threshold === calibration.threshold)).toMatchObject({ strongShare: 0.5, quality: 1 });
  });
});

describe('the cost–quality chart', () => {
  it('reads quality off a curve linearly, NaN outside it', () => {
    const curve = [
      { strongShare: 0, costShare: 0.1, quality: 0.5, pgr: 0 },
      { strongShare: 1, costShare: 1, quality: 0.95, pgr: 1 },
    ];
    expect(qualityAtCost(curve, 0.55)).toBeCloseTo(0.725, 12);
    expect(qualityAtCost(curve, 0.05)).toBeNaN();
  });

  it('the SVG legend wraps so every series is named', () => {
    const reports = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      ...evaluateScoreRouter({ tune: TUNE, evaluate: EVALUATE, criterion: CRITERION }, { name, description: '', tuneScores: [[1, 2, 3, 4]], evaluateScores: [[1, 2, 3, 4]] }),
    }));
    const svg = renderCostQualitySvg(costQualityChart(reports, EVALUATE, { title: 't', columns: 11 }));
    for (const name of ['a', 'b', 'c', 'd', 'e', '95% of strong']) expect(svg).toContain(`>${name}</text>`);
    // Six entries, three per row: the canvas grows by two legend rows below the 400 px plot.
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="720" height="448"/);
  });
});
