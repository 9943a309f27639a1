import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../spec/errors.js';
import { calibrationCurve, type CalibrationCurvePoint, type CalibrationOutcome } from './calibration-curve.js';
import { createLearnedRouterModel, parseRouterArtifact, type RouterArtifact } from './router-artifact.js';
import { separableExamples, TRAINED_ON } from './test-fixtures.js';
import { trainLearnedRouter } from './train-router.js';

/** A deterministic pseudo-random stream, so the large cases are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomPrompts(count: number, seed: number): { outcomes: CalibrationOutcome[]; scores: number[] } {
  const random = seeded(seed);
  const outcomes: CalibrationOutcome[] = [];
  const scores: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const hard = random() < 0.4;
    outcomes.push({ weakQuality: hard ? 0 : 1, strongQuality: random() < 0.9 ? 1 : 0, weakCost: 0.001, strongCost: 0.01 + random() * 0.01 });
    // Informative but noisy scores, rounded so some prompts tie.
    scores.push(Math.round(Math.min(1, Math.max(0, (hard ? 0.65 : 0.35) + (random() - 0.5) * 0.6)) * 200) / 200);
  }
  return { outcomes, scores };
}

function expectMonotone(curve: readonly CalibrationCurvePoint[]): void {
  for (let index = 1; index < curve.length; index += 1) {
    expect(curve[index]!.threshold).toBeLessThan(curve[index - 1]!.threshold);
    expect(curve[index]!.strongShare).toBeGreaterThanOrEqual(curve[index - 1]!.strongShare);
    expect(curve[index]!.relativeCost).toBeGreaterThanOrEqual(curve[index - 1]!.relativeCost);
  }
}

describe('calibrationCurve', () => {
  // Two easy prompts (the weak answer is right) scored low, two hard ones scored high.
  const outcomes: CalibrationOutcome[] = [
    { weakQuality: 1, strongQuality: 1, weakCost: 1, strongCost: 10 },
    { weakQuality: 1, strongQuality: 1, weakCost: 1, strongCost: 10 },
    { weakQuality: 0, strongQuality: 1, weakCost: 1, strongCost: 10 },
    { weakQuality: 0, strongQuality: 0.5, weakCost: 1, strongCost: 10 },
  ];
  // Binary fractions, so the midpoint thresholds are exact.
  const scores = [0.125, 0.25, 0.75, 0.875];

  it('sweeps the calibration thresholds, highest first, with quality and cost relative to all-strong', () => {
    expect(calibrationCurve(outcomes, scores)).toEqual([
      { threshold: 1, strongShare: 0, relativeCost: 0.1, quality: 0.5 },
      { threshold: 0.8125, strongShare: 0.25, relativeCost: 0.325, quality: 0.625 },
      { threshold: 0.5, strongShare: 0.5, relativeCost: 0.55, quality: 0.875 },
      { threshold: 0.1875, strongShare: 0.75, relativeCost: 0.775, quality: 0.875 },
      { threshold: 0, strongShare: 1, relativeCost: 1, quality: 0.875 },
    ]);
  });

  it('uses the strong share as the cost when prices are unknown', () => {
    const unpriced = outcomes.map(({ weakQuality, strongQuality }) => ({ weakQuality, strongQuality }));
    for (const point of calibrationCurve(unpriced, scores)) expect(point.relativeCost).toBe(point.strongShare);
  });

  it('sends prompts scoring exactly the threshold to the weak model, as the router does', () => {
    const point = calibrationCurve(outcomes, scores, { chosenThreshold: 0.75 }).find((candidate) => candidate.threshold === 0.75);
    expect(point).toEqual({ threshold: 0.75, strongShare: 0.25, relativeCost: 0.325, quality: 0.625 });
  });

  it('thins a long sweep to at most 50 points, monotone in strong share, ends and chosen threshold kept', () => {
    const { outcomes: many, scores: manyScores } = randomPrompts(2000, 3);
    const distinct = [...new Set(manyScores)].sort((left, right) => left - right);
    const chosenThreshold = (distinct[120]! + distinct[121]!) / 2;
    const curve = calibrationCurve(many, manyScores, { chosenThreshold });
    expect(curve.length).toBeLessThanOrEqual(50);
    expect(curve.length).toBeGreaterThanOrEqual(45);
    expectMonotone(curve);
    expect(curve[0]).toMatchObject({ threshold: 1, strongShare: 0 });
    expect(curve.at(-1)).toMatchObject({ threshold: 0 });
    expect(curve.at(-1)!.relativeCost).toBeCloseTo(1, 6);
    expect(curve.filter((point) => point.threshold === chosenThreshold)).toHaveLength(1);
    // Evenly spread: no gap in strong share much wider than 1/48.
    const gaps = curve.slice(1).map((point, index) => point.strongShare - curve[index]!.strongShare);
    expect(Math.max(...gaps)).toBeLessThan(0.05);
  });

  it('adds a chosen threshold that is not on the sweep between its neighbours', () => {
    const curve = calibrationCurve(outcomes, scores, { chosenThreshold: 0.3 });
    expect(curve.map((point) => point.threshold)).toEqual([1, 0.8125, 0.5, 0.3, 0.1875, 0]);
    expectMonotone(curve);
  });

  it('honours a small maxPoints and rejects mismatched input', () => {
    const { outcomes: many, scores: manyScores } = randomPrompts(300, 5);
    const curve = calibrationCurve(many, manyScores, { maxPoints: 5, chosenThreshold: 0.123 });
    expect(curve.length).toBeLessThanOrEqual(5);
    expect(curve.map((point) => point.threshold)).toContain(0.123);
    expectMonotone(curve);
    expect(() => calibrationCurve(outcomes, [0.5])).toThrow(/1 scores for 4 prompts/);
    expect(calibrationCurve([], [])).toEqual([]);
  });
});

describe('the curve in the router artifact', () => {
  const examples = separableExamples(40);
  const trained = trainLearnedRouter(examples, { variant: 'baseline', strong: 'big', weak: 'small', trainedOn: { ...TRAINED_ON, examples: 40 } });
  const model = createLearnedRouterModel(trained);
  const curve = calibrationCurve(examples, examples.map((example) => model.score(example.input)), { chosenThreshold: 0.5 });
  const artifact: RouterArtifact = { ...trained, calibration: { method: 'test', targetQuality: 0.95, curve } };

  it('survives a JSON round trip', () => {
    expect(parseRouterArtifact(JSON.parse(JSON.stringify(artifact)), 'r.json')).toEqual(artifact);
    expect(artifact.calibration?.curve?.map((point) => point.threshold)).toContain(artifact.threshold);
  });

  it('rejects a curve out of order or off the quality scale, naming the field', () => {
    const reversed = { ...artifact, calibration: { ...artifact.calibration, curve: [...curve].reverse() } };
    expect(() => parseRouterArtifact(reversed, 'r.json')).toThrow(/r\.json: calibration\.curve: router artifact: expected points ordered by threshold/);
    const offScale = { ...artifact, calibration: { ...artifact.calibration, curve: [{ ...curve[0]!, quality: 7 }] } };
    try {
      parseRouterArtifact(offScale, 'r.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]).toMatchObject({ file: 'r.json', path: 'calibration.curve[0].quality' });
    }
  });
});
