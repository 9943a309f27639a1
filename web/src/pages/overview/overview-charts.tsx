import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_PROPS, bucketLabel, bucketTick, countValue, msValue, percentValue, usdValue } from '../../charts/chart-helpers.js';
import { COLOR, seriesColor } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { formatPercent, formatUsd } from '../../format/format-number.js';
import type { SeriesPoint, StackedSeries, UsageTotals } from './usage-series.js';

interface SeriesProps {
  points: SeriesPoint[];
  bucket: 'hour' | 'day';
}

const timeAxis = (bucket: 'hour' | 'day') => (
  // Padding keeps the first and last buckets' bars inside the plot.
  <XAxis dataKey="bucketStart" type="number" scale="time" domain={['dataMin', 'dataMax']} padding={{ left: 14, right: 14 }} tickFormatter={bucketTick(bucket)} {...AXIS_PROPS} />
);

export function CostChart({ points, bucket, totals }: SeriesProps & { totals: UsageTotals }) {
  return (
    <ChartFigure
      title="Cost against the all-frontier baseline"
      testId="chart-cost"
      summary={`Actual cost ${formatUsd(totals.costUsd)} against ${formatUsd(totals.referenceCostUsd)} had every request gone to its workload's reference (frontier) model: ${formatUsd(totals.savingsUsd)} saved.`}
    >
      <AreaChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" />
        {timeAxis(bucket)}
        <YAxis tickFormatter={usdValue} width={80} {...AXIS_PROPS} />
        <Tooltip formatter={usdValue} labelFormatter={bucketLabel(bucket)} />
        <Legend />
        <Area type="monotone" dataKey="referenceCostUsd" name="All-frontier baseline" stroke={COLOR.baseline} strokeDasharray="6 3" fill={COLOR.baseline} fillOpacity={0.12} isAnimationActive={false} />
        <Area type="monotone" dataKey="costUsd" name="Actual cost" stroke={COLOR.cost} fill={COLOR.cost} fillOpacity={0.3} isAnimationActive={false} />
      </AreaChart>
    </ChartFigure>
  );
}

export function RequestsChart({ points, bucket }: SeriesProps) {
  return (
    <ChartFigure title="Requests" testId="chart-requests">
      <BarChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" vertical={false} />
        {timeAxis(bucket)}
        <YAxis allowDecimals={false} tickFormatter={countValue} width={48} {...AXIS_PROPS} />
        <Tooltip labelFormatter={bucketLabel(bucket)} />
        <Legend />
        <Bar dataKey="ok" name="Answered" stackId="requests" fill={COLOR.ok} isAnimationActive={false} />
        <Bar dataKey="errors" name="Errors" stackId="requests" fill={COLOR.errors} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}

export function StackedCostChart({ stacked, bucket, title }: { stacked: StackedSeries; bucket: 'hour' | 'day'; title: string }) {
  return (
    <ChartFigure title={title} testId="chart-cost-by-workload">
      <BarChart data={stacked.points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" vertical={false} />
        {timeAxis(bucket)}
        <YAxis tickFormatter={usdValue} width={80} {...AXIS_PROPS} />
        <Tooltip formatter={usdValue} labelFormatter={bucketLabel(bucket)} />
        <Legend />
        {stacked.keys.map((key, index) => (
          <Bar key={key} dataKey={key} name={key} stackId="cost" fill={seriesColor(index)} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFigure>
  );
}

export function LatencyChart({ points, bucket }: SeriesProps) {
  return (
    <ChartFigure title="Latency percentiles (whole request)" testId="chart-latency">
      <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" />
        {timeAxis(bucket)}
        <YAxis tickFormatter={msValue} width={64} {...AXIS_PROPS} />
        <Tooltip formatter={msValue} labelFormatter={bucketLabel(bucket)} />
        <Legend />
        <Line type="monotone" dataKey="p50LatencyMs" name="p50" stroke={COLOR.p50} dot={{ r: 2 }} strokeWidth={2} isAnimationActive={false} />
        <Line type="monotone" dataKey="p95LatencyMs" name="p95" stroke={COLOR.p95} dot={{ r: 2 }} strokeWidth={2} strokeDasharray="6 3" isAnimationActive={false} />
        <Line type="monotone" dataKey="p99LatencyMs" name="p99" stroke={COLOR.p99} dot={{ r: 2 }} strokeWidth={2} strokeDasharray="2 3" isAnimationActive={false} />
      </LineChart>
    </ChartFigure>
  );
}

export function RatesChart({ points, bucket, totals }: SeriesProps & { totals: UsageTotals }) {
  const share = (part: number) => formatPercent(totals.requests === 0 ? 0 : part / totals.requests);
  return (
    <ChartFigure
      title="Error, fallback and escalation rates"
      testId="chart-rates"
      summary={`Over the range: ${share(totals.errors)} errors, ${share(totals.fallbacks)} answered by a fallback, ${share(totals.escalations)} escalated to a stronger tier.`}
    >
      <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" />
        {timeAxis(bucket)}
        <YAxis tickFormatter={percentValue} width={56} domain={[0, 'auto']} {...AXIS_PROPS} />
        <Tooltip formatter={percentValue} labelFormatter={bucketLabel(bucket)} />
        <Legend />
        <Line type="monotone" dataKey="errorRate" name="Errors" stroke={COLOR.errors} strokeWidth={2} isAnimationActive={false} />
        <Line type="monotone" dataKey="fallbackRate" name="Fallbacks" stroke={COLOR.fallback} strokeWidth={2} strokeDasharray="6 3" isAnimationActive={false} />
        <Line type="monotone" dataKey="escalationRate" name="Escalations" stroke={COLOR.escalation} strokeWidth={2} strokeDasharray="2 3" isAnimationActive={false} />
      </LineChart>
    </ChartFigure>
  );
}
