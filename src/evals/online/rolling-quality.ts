import type { EvaluationConfig } from '../../core/evaluation/evaluation-config.js';
import type { AlertSink, EvaluationAlert, RollingQuality as RollingQualityRow, ScoreWindow } from '../../core/evaluation/evaluation-api.js';
import type { OnlineScore } from '../../core/evaluation/evaluation-records.js';
import { meanInterval, welchDropPValue, type SampleMoments } from './student-t.js';

/** Scores are summed per minute: windows are whole minutes, and memory does not grow with traffic. */
const BUCKET_MS = 60_000;

type QualitySettings = EvaluationConfig['quality'];

/** One scored judgement as rolling quality needs it. */
export type QualitySample = Pick<OnlineScore, 'time' | 'workload' | 'model' | 'route'> & { score: number };

interface Bucket {
  count: number;
  sum: number;
  sumOfSquares: number;
}

interface Series {
  workload: string;
  model: string;
  route: string;
  /** By bucket start (Unix ms, a multiple of BUCKET_MS). */
  buckets: Map<number, Bucket>;
}

export interface RollingQualityOptions {
  settings: QualitySettings;
  /** Told of each new significant drop (outside the cooldown of the same workload/model/route). */
  alerts?: AlertSink;
  now?: () => number;
}

/**
 * Rolling judge quality per workload, model and route: the last `window_minutes` against the
 * `baseline_hours` just before them. A drop is alerted when both windows have `min_samples`
 * scores, a one-sided Welch t-test gives p < `alpha`, and the means differ by at least
 * `min_drop`. Only per-minute sums are kept, and nothing older than baseline + window.
 */
export class RollingQuality {
  readonly #series = new Map<string, Series>();
  readonly #lastAlertAt = new Map<string, number>();
  readonly #now: () => number;
  #settings: QualitySettings;
  #alerts: AlertSink | undefined;

  constructor(options: RollingQualityOptions) {
    this.#settings = options.settings;
    this.#alerts = options.alerts;
    this.#now = options.now ?? Date.now;
  }

  /** A reload may change the windows and thresholds; the kept sums stay valid. */
  configure(settings: QualitySettings): void {
    this.#settings = settings;
  }

  /** How far back scores matter: the start of the baseline window. */
  horizonStart(now = this.#now()): number {
    return currentBucket(now) - (this.#settings.window_minutes - 1) * BUCKET_MS - this.#settings.baseline_hours * 3_600_000;
  }

  /** Loads stored scores after a restart (unscored ones are skipped); raises no alert. */
  seed(scores: readonly OnlineScore[]): void {
    for (const score of scores) {
      if (score.score !== undefined) this.#add({ time: score.time, workload: score.workload, model: score.model, route: score.route, score: score.score });
    }
    this.#prune(this.#now());
  }

  /** Adds a new score and re-tests its series; a new significant drop is raised. */
  add(sample: QualitySample): RollingQualityRow | undefined {
    const key = this.#add(sample);
    const now = this.#now();
    this.#prune(now);
    const series = key === undefined ? undefined : this.#series.get(key);
    if (!series || key === undefined) return undefined;
    const row = this.#evaluate(series, now);
    if (row.alerting) this.#maybeRaise(key, row, now);
    return row;
  }

  /** Every series with scores in the window or the baseline, optionally of one workload. */
  snapshot(workload?: string): RollingQualityRow[] {
    const now = this.#now();
    this.#prune(now);
    const rows: RollingQualityRow[] = [];
    for (const series of this.#series.values()) {
      if (workload === undefined || series.workload === workload) rows.push(this.#evaluate(series, now));
    }
    return rows.sort((a, b) => a.workload.localeCompare(b.workload) || a.model.localeCompare(b.model) || a.route.localeCompare(b.route));
  }

  #add(sample: QualitySample): string | undefined {
    if (!Number.isFinite(sample.score) || sample.time < this.horizonStart()) return undefined;
    const key = `${sample.workload}\u0000${sample.model}\u0000${sample.route}`;
    let series = this.#series.get(key);
    if (!series) {
      series = { workload: sample.workload, model: sample.model, route: sample.route, buckets: new Map() };
      this.#series.set(key, series);
    }
    const start = currentBucket(sample.time);
    const bucket = series.buckets.get(start);
    if (bucket) {
      bucket.count += 1;
      bucket.sum += sample.score;
      bucket.sumOfSquares += sample.score * sample.score;
    } else {
      series.buckets.set(start, { count: 1, sum: sample.score, sumOfSquares: sample.score * sample.score });
    }
    return key;
  }

  #prune(now: number): void {
    const horizon = this.horizonStart(now);
    for (const [key, series] of this.#series) {
      for (const start of series.buckets.keys()) if (start < horizon) series.buckets.delete(start);
      if (series.buckets.size === 0) this.#series.delete(key);
    }
  }

  #evaluate(series: Series, now: number): RollingQualityRow {
    const windowStart = currentBucket(now) - (this.#settings.window_minutes - 1) * BUCKET_MS;
    const baselineStart = windowStart - this.#settings.baseline_hours * 3_600_000;
    const recent = emptySums();
    const baseline = emptySums();
    for (const [start, bucket] of series.buckets) {
      // Scores dated ahead of now (clock skew between replicas) count in the window.
      if (start >= windowStart) addSums(recent, bucket);
      else if (start >= baselineStart) addSums(baseline, bucket);
    }
    const recentMoments = momentsOf(recent);
    const baselineMoments = momentsOf(baseline);
    const row: RollingQualityRow = {
      workload: series.workload,
      model: series.model,
      route: series.route,
      window: windowOf(recentMoments),
      baseline: windowOf(baselineMoments),
      alerting: false,
    };
    if (recentMoments && baselineMoments) {
      row.drop = baselineMoments.mean - recentMoments.mean;
      const { min_samples: minSamples, alpha, min_drop: minDrop } = this.#settings;
      if (recentMoments.n >= minSamples && baselineMoments.n >= minSamples) {
        row.pValue = welchDropPValue(recentMoments, baselineMoments);
        row.alerting = row.pValue < alpha && row.drop >= minDrop;
      }
    }
    return row;
  }

  #maybeRaise(key: string, row: RollingQualityRow, now: number): void {
    const last = this.#lastAlertAt.get(key);
    if (last !== undefined && now - last < this.#settings.cooldown_minutes * 60_000) return;
    this.#lastAlertAt.set(key, now);
    this.#alerts?.raise(qualityDropAlert(row, now, this.#settings));
  }
}

function qualityDropAlert(row: RollingQualityRow, now: number, settings: QualitySettings): EvaluationAlert {
  const percent = (value: number | undefined) => (value === undefined ? '?' : `${(value * 100).toFixed(1)}%`);
  return {
    time: now,
    kind: 'quality_drop',
    workload: row.workload,
    model: row.model,
    route: row.route,
    message:
      `Judge score of ${row.model} on workload ${row.workload} (route ${row.route}) fell from ${percent(row.baseline.mean)} ` +
      `(n=${row.baseline.n}, previous ${settings.baseline_hours}h) to ${percent(row.window.mean)} (n=${row.window.n}, last ` +
      `${settings.window_minutes} min): a drop of ${percent(row.drop)}, p=${(row.pValue ?? 1).toPrecision(2)}.`,
    details: {
      window: row.window,
      baseline: row.baseline,
      drop: row.drop,
      pValue: row.pValue,
      windowMinutes: settings.window_minutes,
      baselineHours: settings.baseline_hours,
      alpha: settings.alpha,
      minDrop: settings.min_drop,
    },
  };
}

function currentBucket(time: number): number {
  return Math.floor(time / BUCKET_MS) * BUCKET_MS;
}

function emptySums(): Bucket {
  return { count: 0, sum: 0, sumOfSquares: 0 };
}

function addSums(total: Bucket, bucket: Bucket): void {
  total.count += bucket.count;
  total.sum += bucket.sum;
  total.sumOfSquares += bucket.sumOfSquares;
}

function momentsOf(sums: Bucket): SampleMoments | undefined {
  if (sums.count === 0) return undefined;
  const mean = sums.sum / sums.count;
  // Scores are in [0, 1], so the sum-of-squares formula loses nothing that matters; rounding can dip below 0.
  const variance = sums.count < 2 ? 0 : Math.max(0, (sums.sumOfSquares - sums.count * mean * mean) / (sums.count - 1));
  return { n: sums.count, mean, variance };
}

function windowOf(moments: SampleMoments | undefined): ScoreWindow {
  if (!moments) return { n: 0 };
  const interval = meanInterval(moments);
  return interval ? { n: moments.n, mean: moments.mean, ...interval } : { n: moments.n, mean: moments.mean };
}
