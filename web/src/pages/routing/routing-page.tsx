import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { adminPath } from '../../api/admin-client.js';
import type { UsageReport } from '../../api/admin-types.js';
import { expectRegistry, expectRouters, expectRoutingQuality, expectUsage } from '../../api/parse-responses.js';
import { useAdmin } from '../../api/use-admin.js';
import { AXIS_PROPS, percentValue } from '../../charts/chart-helpers.js';
import { COLOR, seriesColor } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { DataTable } from '../../components/data-table.js';
import { EmptyState } from '../../components/empty-state.js';
import { LoadView } from '../../components/load-view.js';
import { PageHeader } from '../../components/page-header.js';
import { RangePicker } from '../../components/range-picker.js';
import { formatCount, formatPercent } from '../../format/format-number.js';
import { rangeOf, type RangeId } from '../../navigation.js';
import { groupName } from '../overview/usage-series.js';
import { RouterCurveChart } from './router-curve-chart.js';
import { RoutingQuality, SHADOW_SETUP } from './routing-quality.js';
import { tierShares, type WorkloadTiers } from './tier-share.js';

const POLL_MS = 15_000;

const ROUTER_SETUP = (
  <p>
    A learned router scores each request and sends it to the strong model above a threshold. Train one with <code>switchyard router train</code>, then set{' '}
    <code>workloads.&lt;name&gt;.routing.learned: {'{'} artifact, weak, strong {'}'}</code>; its cost–quality curve and chosen threshold show here.
  </p>
);

export function RoutingPage({ range, onRangeChange }: { range: RangeId; onRangeChange: (range: RangeId) => void }) {
  const { id: since } = rangeOf(range);
  const poll = { pollMs: POLL_MS };
  const byWorkload = useAdmin(adminPath('usage', { by: 'workload', since }), expectUsage, poll).load;
  const byDeployment = useAdmin(adminPath('usage', { by: 'workload,deployment', since }), expectUsage, poll).load;
  const registry = useAdmin(adminPath('registry'), expectRegistry).load;
  const quality = useAdmin(adminPath('routing/quality', { since }), expectRoutingQuality, poll).load;
  const routers = useAdmin(adminPath('routing/routers'), expectRouters).load;

  return (
    <>
      <PageHeader title="Routing" description="Where each workload's traffic goes, how often it escalates, and whether the router escalates the right requests.">
        <RangePicker value={range} onChange={onRangeChange} />
      </PageHeader>

      <section aria-labelledby="routing-tiers">
        <h2 id="routing-tiers">Traffic per tier</h2>
        <LoadView load={byDeployment} label="traffic per tier">
          {(report) => (
            <LoadView load={registry} label="registry">
              {(view) => <TierSection tiers={tierShares(report.rows, view)} />}
            </LoadView>
          )}
        </LoadView>
      </section>

      <section aria-labelledby="routing-escalation">
        <h2 id="routing-escalation">Escalation</h2>
        <LoadView load={byWorkload} label="escalation rates">
          {(report) => <EscalationTable report={report} />}
        </LoadView>
        <h3>Under- and over-escalation from shadow judging</h3>
        <LoadView load={quality} label="shadow judging results" missing={SHADOW_SETUP}>
          {(report) => <RoutingQuality report={report} />}
        </LoadView>
      </section>

      <section aria-labelledby="routing-routers">
        <h2 id="routing-routers">Learned router: cost against quality</h2>
        <LoadView load={routers} label="learned routers" missing={ROUTER_SETUP}>
          {(response) =>
            response.routers.length === 0 ? (
              <EmptyState title="No learned router configured" testId="routers-empty">
                {ROUTER_SETUP}
              </EmptyState>
            ) : (
              <div className="chart-grid">
                {response.routers.map((router) => (
                  <RouterCurveChart key={router.workload} router={router} />
                ))}
              </div>
            )
          }
        </LoadView>
      </section>
    </>
  );
}

function EscalationTable({ report }: { report: UsageReport }) {
  return (
    <DataTable
      caption="Escalation per workload"
      testId="escalation-table"
      rows={report.rows}
      rowKey={(row) => groupName(row.keys.workload)}
      rowTestId={(row) => `escalation-${groupName(row.keys.workload)}`}
      columns={[
        { header: 'Workload', cell: (row) => groupName(row.keys.workload), rowHeader: true },
        { header: 'Requests', cell: (row) => formatCount(row.requests), numeric: true },
        { header: 'Escalated', cell: (row) => formatCount(row.escalations), numeric: true },
        { header: 'Escalation rate', cell: (row) => formatPercent(row.escalationRate), numeric: true },
        { header: 'Fallback rate', cell: (row) => formatPercent(row.fallbackRate), numeric: true },
      ]}
    />
  );
}

function TierSection({ tiers }: { tiers: WorkloadTiers[] }) {
  if (tiers.length === 0) return <EmptyState title="No traffic in this range">Send requests with <code>model: workload/&lt;name&gt;</code> to see how they are routed.</EmptyState>;
  const models = [...new Set(tiers.flatMap((workload) => workload.tiers.map((tier) => tier.model)))];
  const data = tiers.map((workload) => {
    const point: Record<string, number | string> = { workload: workload.workload };
    for (const tier of workload.tiers) point[tier.model] = tier.share;
    return point;
  });
  const rows = tiers.flatMap((workload) => workload.tiers.map((tier) => ({ workload: workload.workload, ...tier })));
  return (
    <>
      <ChartFigure title="Share of each workload's requests answered per model" height={Math.max(140, 48 * tiers.length + 70)} testId="chart-tier-share">
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 24, bottom: 0, left: 8 }} accessibilityLayer>
          <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tickFormatter={percentValue} {...AXIS_PROPS} />
          <YAxis type="category" dataKey="workload" width={120} {...AXIS_PROPS} />
          <Tooltip formatter={percentValue} />
          <Legend />
          {models.map((model, index) => (
            <Bar key={model} dataKey={model} name={model} stackId="share" fill={seriesColor(index)} maxBarSize={36} isAnimationActive={false} />
          ))}
        </BarChart>
      </ChartFigure>
      <DataTable
        caption="Requests per workload and answering model"
        testId="tier-table"
        rows={rows}
        rowKey={(row) => `${row.workload}\u0000${row.model}`}
        rowTestId={(row) => `tier-${row.workload}-${row.model}`}
        columns={[
          { header: 'Workload', cell: (row) => row.workload, rowHeader: true },
          { header: 'Model', cell: (row) => row.model },
          // What config makes the model in this workload (every role, when it has several), not why each request went there.
          { header: 'Role in config', cell: (row) => row.role },
          { header: 'Requests', cell: (row) => formatCount(row.requests), numeric: true },
          { header: 'Share', cell: (row) => formatPercent(row.share), numeric: true },
        ]}
      />
    </>
  );
}
