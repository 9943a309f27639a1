/**
 * How the dashboard writes numbers. Pure and locale-fixed (en-US), so the browser tests can format
 * the admin API's values the same way and compare them with the page's text exactly.
 */

const COUNT = new Intl.NumberFormat('en-US');
const USD_CENTS = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const USD_SMALL = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const USD_TINY = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });

export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** Dollars: cents from $1 up, four decimals from a cent, three significant digits below (token costs are tiny). */
export function formatUsd(value: number): string {
  const size = Math.abs(value);
  if (size === 0) return USD_CENTS.format(0);
  if (size >= 1) return USD_CENTS.format(value);
  if (size >= 0.01) return USD_SMALL.format(value);
  return USD_TINY.format(value);
}

/** A 0–1 rate as a percentage with one decimal. */
export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** Milliseconds: whole below a second, else seconds with two decimals. */
export function formatMs(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** A sub-millisecond-scale time (the gateway's own time per request): two decimals, a dash when absent. */
export function formatFineMs(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(2)} ms`;
}

/** A 0–1 score. */
export function formatScore(value: number): string {
  return value.toFixed(3);
}

/** A score with its confidence interval: `0.812 [0.774, 0.846]`. */
export function formatScoreInterval(mean: number | undefined, lower: number | undefined, upper: number | undefined): string {
  if (mean === undefined) return '—';
  return lower === undefined || upper === undefined ? formatScore(mean) : `${formatScore(mean)} [${formatScore(lower)}, ${formatScore(upper)}]`;
}

/** A rate with its interval, as percentages: `4.0% [1.1%, 13.5%]`. */
export function formatRateInterval(rate: number | undefined, lower: number | undefined, upper: number | undefined): string {
  if (rate === undefined) return '—';
  return lower === undefined || upper === undefined ? formatPercent(rate) : `${formatPercent(rate)} [${formatPercent(lower)}, ${formatPercent(upper)}]`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** Local date and time to the minute: `2025-03-14 09:26`. */
export function formatDateTime(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Local time with seconds: `09:26:53`. */
export function formatClock(time: number): string {
  const date = new Date(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A chart axis tick for a time bucket: the hour for hourly buckets, the date for daily ones. */
export function formatBucket(time: number, bucket: 'hour' | 'day'): string {
  const date = new Date(time);
  return bucket === 'hour' ? `${pad(date.getHours())}:00` : `${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The p-th percentile (0–100) of the values, interpolating linearly between neighbours as the
 * request log's own percentiles do (PostgreSQL's `percentile_cont`).
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}
