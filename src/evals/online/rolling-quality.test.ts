import { describe, expect, it } from 'vitest';
import { DEFAULT_EVALUATION_CONFIG } from '../../core/evaluation/evaluation-config.js';
import type { EvaluationAlert } from '../../core/evaluation/evaluation-api.js';
import type { OnlineScore } from '../../core/evaluation/evaluation-records.js';
import { RollingQuality } from './rolling-quality.js';
import { meanInterval, studentTCdf, studentTQuantile, welchDropPValue } from './student-t.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A fixed "now" on a minute boundary, plus 30 s. */
const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);
const settings = { ...DEFAULT_EVALUATION_CONFIG.quality, window_minutes: 60, baseline_hours: 24, min_samples: 30, alpha: 0.01, min_drop: 0.05, cooldown_minutes: 60 };

describe('Student t and Welch', () => {
  it('matches published t-table values', () => {
    expect(1 - studentTCdf(2, 10)).toBeCloseTo(0.036694, 5);
    expect(studentTCdf(-2, 10)).toBeCloseTo(0.036694, 5);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.95, 1_000_000)).toBeCloseTo(1.644854, 4);
  });

  it('tests a drop one-sided: a rise is never significant', () => {
    const recent = { n: 30, mean: 0.6, variance: 0.04 };
    const baseline = { n: 100, mean: 0.7, variance: 0.04 };
    // t = 0.1 / sqrt(0.04/30 + 0.04/100) = 2.402 on ≈ 47.7 Welch degrees of freedom.
    expect(welchDropPValue(recent, baseline)).toBeCloseTo(0.0101, 3);
    expect(welchDropPValue(baseline, recent)).toBeGreaterThan(0.98);
    expect(welchDropPValue({ n: 5, mean: 0.5, variance: 0 }, { n: 5, mean: 0.9, variance: 0 })).toBe(0);
    expect(welchDropPValue({ n: 1, mean: 0, variance: 0 }, { n: 50, mean: 1, variance: 0 })).toBe(1);
  });

  it('gives a t interval clamped to [0, 1], none for one sample', () => {
    const interval = meanInterval({ n: 10, mean: 0.5, variance: 0.1 })!;
    expect(interval.lower).toBeCloseTo(0.5 - 2.262157 * Math.sqrt(0.01), 5);
    expect(meanInterval({ n: 4, mean: 0.95, variance: 0.1 })?.upper).toBe(1);
    expect(meanInterval({ n: 1, mean: 0.5, variance: 0 })).toBeUndefined();
  });
});

/** A clock the test moves, and a RollingQuality that collects its alerts. */
function setup(overrides: Partial<typeof settings> = {}) {
  const clock = { now: NOW };
  const alerts: EvaluationAlert[] = [];
  const rolling = new RollingQuality({ settings: { ...settings, ...overrides }, alerts: { raise: (alert) => alerts.push(alert) }, now: () => clock.now });
  /** Adds `count` scores alternating between the two values, spread over the minutes before `end`. */
  const addScores = (count: number, values: [number, number], end: number, spanMs: number, target = { workload: 'support', model: 'small', route: 'default' }) => {
    for (let index = 0; index < count; index++) {
      rolling.add({ ...target, time: end - Math.floor(((index + 1) * spanMs) / (count + 1)), score: values[index % 2]! });
    }
  };
  return { clock, alerts, rolling, addScores };
}

describe('RollingQuality', () => {
  it('splits scores into the recent window and the baseline before it', () => {
    const { rolling, addScores } = setup();
    addScores(40, [0.7, 0.9], NOW - 2 * HOUR, 20 * HOUR);
    addScores(10, [0.4, 0.6], NOW, 30 * MINUTE);
    const [row] = rolling.snapshot();
    expect(row).toMatchObject({ workload: 'support', model: 'small', route: 'default', window: { n: 10 }, baseline: { n: 40 }, alerting: false });
    expect(row!.window.mean).toBeCloseTo(0.5, 10);
    expect(row!.baseline.mean).toBeCloseTo(0.8, 10);
    expect(row!.drop).toBeCloseTo(0.3, 10);
    expect(row!.window.lower).toBeLessThan(0.5);
    expect(row!.window.upper).toBeGreaterThan(0.5);
    // Ten recent samples are fewer than min_samples: no test yet.
    expect(row!.pValue).toBeUndefined();
  });

  it('alerts once on a significant drop, then keeps quiet for the cooldown', () => {
    const { clock, alerts, rolling, addScores } = setup();
    addScores(100, [0.7, 0.9], NOW - 2 * HOUR, 20 * HOUR);
    addScores(30, [0.5, 0.7], NOW, 50 * MINUTE);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'quality_drop', workload: 'support', model: 'small', route: 'default', time: NOW });
    expect(alerts[0]!.message).toMatch(/fell from 80\.0% .* to 60\.0% .* a drop of 20\.0%/);
    expect(rolling.snapshot()[0]).toMatchObject({ alerting: true });
    // Still dropping ten minutes later: within the cooldown.
    clock.now += 10 * MINUTE;
    addScores(5, [0.5, 0.7], clock.now, 5 * MINUTE);
    expect(alerts).toHaveLength(1);
    // Past the cooldown, a drop that persists is raised again.
    clock.now += 61 * MINUTE;
    addScores(40, [0.5, 0.7], clock.now, 30 * MINUTE);
    expect(alerts).toHaveLength(2);
  });

  it('keeps the cooldown per workload, model and route', () => {
    const { alerts, addScores } = setup();
    for (const route of ['default', 'cascade:0']) {
      const target = { workload: 'support', model: 'small', route };
      addScores(100, [0.7, 0.9], NOW - 2 * HOUR, 20 * HOUR, target);
      addScores(30, [0.5, 0.7], NOW, 50 * MINUTE, target);
    }
    expect(alerts.map((alert) => alert.route)).toEqual(['default', 'cascade:0']);
  });

  it('does not alert on a drop below min_drop, a noisy drop, or too few samples', () => {
    // Significant but small: 0.80 → 0.78 with no noise at all.
    const small = setup();
    small.addScores(100, [0.8, 0.8], NOW - 2 * HOUR, 20 * HOUR);
    small.addScores(40, [0.78, 0.78], NOW, 50 * MINUTE);
    expect(small.rolling.snapshot()[0]).toMatchObject({ pValue: 0, alerting: false });
    // Large but noisy: the means differ by 0.1 with scores spread over 0..1.
    const noisy = setup();
    noisy.addScores(100, [0.3, 1], NOW - 2 * HOUR, 20 * HOUR);
    noisy.addScores(30, [0.2, 0.9], NOW, 50 * MINUTE);
    expect(noisy.rolling.snapshot()[0]!.pValue).toBeGreaterThan(0.01);
    // Large and clean, but only 29 recent samples.
    const few = setup();
    few.addScores(100, [0.7, 0.9], NOW - 2 * HOUR, 20 * HOUR);
    few.addScores(29, [0.5, 0.7], NOW, 50 * MINUTE);
    expect(few.rolling.snapshot()[0]).toMatchObject({ alerting: false });
    expect([small, noisy, few].flatMap((run) => run.alerts)).toEqual([]);
  });

  it('forgets scores older than the baseline and window', () => {
    const { clock, rolling, addScores } = setup();
    addScores(10, [0.7, 0.9], NOW, 10 * MINUTE);
    expect(rolling.snapshot()).toHaveLength(1);
    clock.now += 24 * HOUR + 30 * MINUTE;
    expect(rolling.snapshot()[0]).toMatchObject({ window: { n: 0 }, baseline: { n: 10 } });
    clock.now += 31 * MINUTE;
    expect(rolling.snapshot()).toEqual([]);
    // A score dated before the horizon is not even kept.
    rolling.add({ workload: 'support', model: 'small', route: 'default', time: NOW, score: 1 });
    expect(rolling.snapshot()).toEqual([]);
  });

  it('is seeded from stored scores without alerting, skipping unscored ones', () => {
    const { alerts, rolling } = setup();
    const stored = (index: number, time: number, score: number | undefined): OnlineScore => ({
      requestId: `r${index}`,
      time,
      workload: 'support',
      model: 'small',
      route: 'default',
      judgeModel: 'judge',
      ...(score === undefined ? { unscoredReason: 'malformed judge reply after 2 attempt(s)' } : { score }),
    });
    const scores = [
      ...Array.from({ length: 100 }, (_, index) => stored(index, NOW - 3 * HOUR - index * MINUTE, index % 2 === 0 ? 0.7 : 0.9)),
      ...Array.from({ length: 40 }, (_, index) => stored(100 + index, NOW - index * MINUTE, index % 2 === 0 ? 0.4 : 0.6)),
      stored(200, NOW - MINUTE, undefined),
    ];
    rolling.seed(scores);
    expect(rolling.snapshot()[0]).toMatchObject({ window: { n: 40 }, baseline: { n: 100 }, alerting: true });
    expect(alerts).toEqual([]);
  });

  it('filters by workload and applies new settings on configure', () => {
    const { rolling, addScores } = setup();
    addScores(4, [0.5, 0.5], NOW, 10 * MINUTE);
    addScores(4, [0.9, 0.9], NOW, 10 * MINUTE, { workload: 'batch', model: 'small', route: 'learned' });
    expect(rolling.snapshot('batch').map((row) => row.workload)).toEqual(['batch']);
    // With a five-minute window, scores from 6–10 minutes ago move to the baseline.
    rolling.configure({ ...settings, window_minutes: 5 });
    const row = rolling.snapshot('support')[0]!;
    expect(row.window.n + row.baseline.n).toBe(4);
    expect(row.baseline.n).toBeGreaterThan(0);
  });
});
