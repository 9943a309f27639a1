import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { RateWithInterval, RoutingQualityResponse, RoutingQualityRow } from '../../api/admin-types.js';
import { AXIS_PROPS, percentValue } from '../../charts/chart-helpers.js';
import { COLOR } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { DataTable } from '../../components/data-table.js';
import { EmptyState } from '../../components/empty-state.js';
import { formatCount, formatRateInterval, formatUsd } from '../../format/format-number.js';

export const SHADOW_SETUP = (
  <p>
    Under- and over-escalation come from shadow judging: for a sample of requests a cascade or learned router sent to one tier, the other tier answers too and a judge
    compares the pair. Set <code>workloads.&lt;name&gt;.evaluation.shadow: {'{'} sample_rate: 0.05, judge: {'{'} model: &lt;judge model&gt; {'}'} {'}'}</code> on a
    workload with <code>routing.cascade</code> or <code>routing.learned</code>.
  </p>
);

/** Error bar lengths below and above the rate (recharts draws asymmetric bars from a pair). */
function errorBar(rate: RateWithInterval): [number, number] | undefined {
  if (rate.rate === undefined || rate.lower === undefined || rate.upper === undefined) return undefined;
  return [rate.rate - rate.lower, rate.upper - rate.rate];
}

function rateCell(rate: RateWithInterval): string {
  return `${formatRateInterval(rate.rate, rate.lower, rate.upper)} (${formatCount(rate.count)} of ${formatCount(rate.of)})`;
}

export function RoutingQuality({ report }: { report: RoutingQualityResponse }) {
  if (report.workloads.length === 0) {
    return (
      <EmptyState title="No shadow pairs judged in this range" testId="shadow-empty">
        {SHADOW_SETUP}
      </EmptyState>
    );
  }
  const data = report.workloads.map((row) => ({
    workload: row.workload,
    under: row.underEscalation.rate ?? 0,
    underError: errorBar(row.underEscalation),
    over: row.overEscalation.rate ?? 0,
    overError: errorBar(row.overEscalation),
  }));
  return (
    <>
      <ChartFigure title="Under- and over-escalation (95% intervals)" testId="chart-routing-quality">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
          <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="workload" {...AXIS_PROPS} />
          <YAxis tickFormatter={percentValue} domain={[0, 'auto']} width={56} {...AXIS_PROPS} />
          <Tooltip formatter={percentValue} />
          <Legend />
          <Bar dataKey="under" name="Under-escalation (cheap served, strong clearly better)" fill={COLOR.errors} maxBarSize={64} isAnimationActive={false}>
            <ErrorBar dataKey="underError" width={6} stroke={COLOR.axis} />
          </Bar>
          <Bar dataKey="over" name="Over-escalation (strong served, cheap as good)" fill={COLOR.baseline} maxBarSize={64} isAnimationActive={false}>
            <ErrorBar dataKey="overError" width={6} stroke={COLOR.axis} />
          </Bar>
        </BarChart>
      </ChartFigure>
      <DataTable<RoutingQualityRow>
        caption="Shadow judging per workload"
        testId="routing-quality-table"
        rows={report.workloads}
        rowKey={(row) => row.workload}
        rowTestId={(row) => `routing-quality-${row.workload}`}
        columns={[
          { header: 'Workload', cell: (row) => row.workload, rowHeader: true },
          { header: 'Pairs', cell: (row) => formatCount(row.pairs), numeric: true },
          { header: 'Unjudged', cell: (row) => formatCount(row.unjudged), numeric: true },
          { header: 'Served cheap', cell: (row) => formatCount(row.servedCheap), numeric: true },
          { header: 'Served strong', cell: (row) => formatCount(row.servedStrong), numeric: true },
          { header: 'Under-escalation', cell: (row) => rateCell(row.underEscalation), numeric: true },
          { header: 'Over-escalation', cell: (row) => rateCell(row.overEscalation), numeric: true },
          { header: 'Shadow cost', cell: (row) => formatUsd(row.costUsd), numeric: true },
        ]}
      />
    </>
  );
}
