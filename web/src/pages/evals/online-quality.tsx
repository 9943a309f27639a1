import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { QualityResponse, QualitySeriesRow, RollingQuality } from '../../api/admin-types.js';
import { AXIS_PROPS, bucketLabel, bucketTick } from '../../charts/chart-helpers.js';
import { COLOR, seriesColor } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { DataTable } from '../../components/data-table.js';
import { EmptyState } from '../../components/empty-state.js';
import { formatCount, formatDateTime, formatScore, formatScoreInterval } from '../../format/format-number.js';

export const ONLINE_SETUP = (
  <p>
    Online judging rates a sample of live answers: set <code>workloads.&lt;name&gt;.evaluation.online: {'{'} sample_rate: 0.02, judge: {'{'} model: &lt;judge model&gt; {'}'} {'}'}</code>.
  </p>
);

/** Mean score per bucket and model, over workloads and routes, weighted by scored samples. */
export function trendByModel(series: readonly QualitySeriesRow[]): { points: Array<Record<string, number>>; models: string[] } {
  const sums = new Map<number, Map<string, { total: number; scored: number }>>();
  const models = new Set<string>();
  for (const row of series) {
    if (row.mean === undefined || row.scored === 0) continue;
    models.add(row.model);
    const bucket = sums.get(row.bucketStart) ?? new Map<string, { total: number; scored: number }>();
    const entry = bucket.get(row.model) ?? { total: 0, scored: 0 };
    entry.total += row.mean * row.scored;
    entry.scored += row.scored;
    bucket.set(row.model, entry);
    sums.set(row.bucketStart, bucket);
  }
  const points = [...sums.entries()]
    .sort(([left], [right]) => left - right)
    .map(([bucketStart, bucket]) => {
      const point: Record<string, number> = { bucketStart };
      for (const [model, entry] of bucket) point[model] = entry.total / entry.scored;
      return point;
    });
  return { points, models: [...models].sort() };
}

function windowText(window: RollingQuality['window']): string {
  return `${formatScoreInterval(window.mean, window.lower, window.upper)} (n=${formatCount(window.n)})`;
}

export function OnlineQuality({ quality }: { quality: QualityResponse }) {
  const { points, models } = trendByModel(quality.series);
  return (
    <>
      {points.length === 0 ? (
        <EmptyState title="No judged live answers in this window" testId="quality-empty">{ONLINE_SETUP}</EmptyState>
      ) : (
        <ChartFigure title="Online quality per model (judge score, 0–1)" testId="chart-quality-trend">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
            <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" />
            <XAxis dataKey="bucketStart" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={bucketTick(quality.bucket)} {...AXIS_PROPS} />
            <YAxis domain={[0, 1]} tickFormatter={(value: unknown) => (typeof value === 'number' ? formatScore(value) : String(value))} width={56} {...AXIS_PROPS} />
            <Tooltip formatter={(value: unknown) => (typeof value === 'number' ? formatScore(value) : String(value))} labelFormatter={bucketLabel(quality.bucket)} />
            <Legend />
            {models.map((model, index) => (
              <Line key={model} type="monotone" dataKey={model} name={model} stroke={seriesColor(index)} strokeWidth={2} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ChartFigure>
      )}
      {quality.alerts.length === 0 ? null : (
        <div className="alerts" role="region" aria-label="Quality alerts">
          <h3>Alerts</h3>
          <ul data-testid="quality-alerts">
            {quality.alerts.map((alert, index) => (
              <li key={`${alert.time}-${index}`} className="finding finding-error">
                <span className="badge badge-bad">{alert.kind.replace(/_/g, ' ')}</span> {formatDateTime(alert.time)} · {alert.workload} / {alert.model}: {alert.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <DataTable<RollingQuality>
        caption="Rolling quality against the baseline window"
        testId="rolling-quality-table"
        rows={quality.rolling}
        rowKey={(row) => `${row.workload}\u0000${row.model}\u0000${row.route}`}
        rowTestId={(row) => `rolling-${row.workload}-${row.model}`}
        empty="No workload has online judging results yet."
        columns={[
          { header: 'Workload', cell: (row) => row.workload, rowHeader: true },
          { header: 'Model', cell: (row) => row.model },
          { header: 'Route', cell: (row) => row.route },
          { header: 'Recent', cell: (row) => windowText(row.window), numeric: true },
          { header: 'Baseline', cell: (row) => windowText(row.baseline), numeric: true },
          { header: 'Drop', cell: (row) => (row.drop === undefined ? '—' : formatScore(row.drop)), numeric: true },
          { header: 'p-value', cell: (row) => (row.pValue === undefined ? '—' : row.pValue.toFixed(3)), numeric: true },
          { header: 'Status', cell: (row) => <span className={`badge badge-${row.alerting ? 'bad' : 'good'}`}>{row.alerting ? 'Alerting' : 'OK'}</span> },
        ]}
      />
      <p className="section-note" data-testid="judge-queue">
        Judge queue: {formatCount(quality.queue.queued)} queued, {formatCount(quality.queue.running)} running, {formatCount(quality.queue.completed)} done,{' '}
        {formatCount(quality.queue.failed)} failed, {formatCount(quality.queue.dropped)} dropped (queue full).
      </p>
    </>
  );
}
