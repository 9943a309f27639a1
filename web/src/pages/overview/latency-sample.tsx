import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { RequestLogRecord } from '../../api/admin-types.js';
import { AXIS_PROPS, countValue } from '../../charts/chart-helpers.js';
import { COLOR } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { StatCard } from '../../components/stat-card.js';
import { formatCount, formatMs, percentile } from '../../format/format-number.js';

/** Histogram bins (upper bounds, ms): roughly doubling, as latency spreads over orders of magnitude. */
const BINS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, Number.POSITIVE_INFINITY];

function binLabel(index: number): string {
  const upper = BINS[index]!;
  const lower = index === 0 ? 0 : BINS[index - 1]!;
  if (upper === Number.POSITIVE_INFINITY) return `> ${formatMs(lower)}`;
  return `${index === 0 ? '< ' : `${formatMs(lower)}–`}${formatMs(upper)}`;
}

export function latencyHistogram(records: readonly RequestLogRecord[]): Array<{ bin: string; requests: number }> {
  const counts = BINS.map(() => 0);
  for (const record of records) {
    const index = BINS.findIndex((upper) => record.durationMs < upper);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts.map((requests, index) => ({ bin: binLabel(index), requests }));
}

/** Times to first token of the sampled requests that have one (streams, mostly). */
export function ttftValues(records: readonly RequestLogRecord[]): number[] {
  return records.flatMap((record) => (record.timeToFirstTokenMs === undefined || record.status >= 400 ? [] : [record.timeToFirstTokenMs]));
}

/**
 * TTFT percentiles: the usage report has none, so they come from the latest requests in the range
 * (up to the request list's page limit), and the card says how many.
 */
export function TtftCards({ records }: { records: readonly RequestLogRecord[] }) {
  const values = ttftValues(records);
  const hint = `${formatCount(values.length)} of the latest ${formatCount(records.length)} requests`;
  const show = (p: number) => {
    const value = percentile(values, p);
    return value === undefined ? '—' : formatMs(value);
  };
  return (
    <>
      <StatCard label="TTFT p50" value={show(50)} hint={hint} testId="stat-ttft-p50" />
      <StatCard label="TTFT p95" value={show(95)} hint={hint} testId="stat-ttft-p95" />
      <StatCard label="TTFT p99" value={show(99)} hint={hint} testId="stat-ttft-p99" />
    </>
  );
}

export function LatencyHistogram({ records }: { records: readonly RequestLogRecord[] }) {
  return (
    <ChartFigure title={`Latency distribution (latest ${formatCount(records.length)} requests)`} testId="chart-latency-histogram">
      <BarChart data={latencyHistogram(records)} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="bin" {...AXIS_PROPS} interval={0} angle={-20} textAnchor="end" height={48} />
        <YAxis allowDecimals={false} tickFormatter={countValue} width={48} {...AXIS_PROPS} />
        <Tooltip />
        <Bar dataKey="requests" name="Requests" fill={COLOR.ok} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}
