import { useId, useState } from 'react';
import { adminPath } from '../../api/admin-client.js';
import type { ListRequestsPage, UsageReport } from '../../api/admin-types.js';
import { expectRequests, expectUsage } from '../../api/parse-responses.js';
import { useAdmin, usePageVisible, type Load } from '../../api/use-admin.js';
import { LoadView } from '../../components/load-view.js';
import { PageHeader } from '../../components/page-header.js';
import { RangePicker } from '../../components/range-picker.js';
import { StatCard, StatGrid } from '../../components/stat-card.js';
import { formatClock, formatCount, formatPercent, formatUsd } from '../../format/format-number.js';
import { rangeOf, type RangeId } from '../../navigation.js';
import { CostChart, LatencyChart, RatesChart, RequestsChart, StackedCostChart } from './overview-charts.js';
import { LatencyHistogram, TtftCards } from './latency-sample.js';
import { rate, stackBy, timeSeries, totalsOf } from './usage-series.js';
import { UsageTable } from './usage-table.js';

const LIVE_INTERVAL_MS = 5_000;
/**
 * The latest requests behind TTFT and the latency histogram (the usage report has no TTFT). Kept
 * small and polled less often: list items carry their attempts and, with capture on, payloads.
 */
const SAMPLE_SIZE = 200;
const SAMPLE_INTERVAL_MS = 30_000;

export function OverviewPage({ range, onRangeChange }: { range: RangeId; onRangeChange: (range: RangeId) => void }) {
  const [live, setLive] = useState(true);
  const visible = usePageVisible();
  const liveId = useId();
  const { id: since, bucket } = rangeOf(range);
  const poll = { pollMs: LIVE_INTERVAL_MS, paused: !live || !visible };
  const byWorkload = useAdmin(adminPath('usage', { by: 'workload', since }), expectUsage, poll).load;
  const byModel = useAdmin(adminPath('usage', { by: 'model', since }), expectUsage, poll).load;
  const byTime = useAdmin(adminPath('usage', { by: bucket, since }), expectUsage, poll).load;
  const byTimeAndWorkload = useAdmin(adminPath('usage', { by: `${bucket},workload`, since }), expectUsage, poll).load;
  const sample = useAdmin(adminPath('requests', { limit: SAMPLE_SIZE }), expectRequests, { ...poll, pollMs: SAMPLE_INTERVAL_MS }).load;
  const updatedAt = byWorkload.state === 'ready' ? byWorkload.updatedAt : undefined;

  return (
    <>
      <PageHeader title="Overview" description="Traffic, cost and savings against the all-frontier baseline, latency and reliability.">
        <RangePicker value={range} onChange={onRangeChange} />
        <div className="field-inline">
          <input id={liveId} type="checkbox" checked={live} onChange={(event) => setLive(event.target.checked)} />
          <label htmlFor={liveId}>Live updates (every 5 s)</label>
        </div>
        <p className="updated" data-testid="updated-at">
          {updatedAt === undefined ? 'Loading…' : `Updated ${formatClock(updatedAt)}`}
        </p>
      </PageHeader>

      <section aria-labelledby="overview-totals">
        <h2 id="overview-totals" className="visually-hidden">
          Totals
        </h2>
        <LoadView load={byWorkload} label="usage">
          {(report) => <Totals report={report} sample={sample} sinceMs={report.since} />}
        </LoadView>
      </section>

      <section aria-labelledby="overview-trends">
        <h2 id="overview-trends">Over time</h2>
        <LoadView load={byTime} label="usage over time">
          {(report) => {
            const points = timeSeries(report.rows, bucket, report.since, report.until);
            const totals = totalsOf(report.rows);
            return (
              <div className="chart-grid">
                <CostChart points={points} bucket={bucket} totals={totals} />
                <RequestsChart points={points} bucket={bucket} />
                <LatencyChart points={points} bucket={bucket} />
                <RatesChart points={points} bucket={bucket} totals={totals} />
                {byTimeAndWorkload.state === 'ready' ? (
                  <StackedCostChart
                    title="Cost by workload"
                    bucket={bucket}
                    stacked={stackBy(byTimeAndWorkload.data.rows, bucket, 'workload', (row) => row.costUsd, report.since, report.until)}
                  />
                ) : null}
                {sample.state === 'ready' ? <LatencyHistogram records={inRange(sample.data, report.since)} /> : null}
              </div>
            );
          }}
        </LoadView>
      </section>

      <section aria-labelledby="overview-workloads">
        <h2 id="overview-workloads">By workload</h2>
        <LoadView load={byWorkload} label="usage by workload">
          {(report) => <UsageTable rows={report.rows} by="workload" caption="Usage by workload" testId="usage-by-workload" />}
        </LoadView>
      </section>

      <section aria-labelledby="overview-models">
        <h2 id="overview-models">By model</h2>
        <p className="section-note">The logical model each request's route started with (a cascade's first tier).</p>
        <LoadView load={byModel} label="usage by model">
          {(report) => <UsageTable rows={report.rows} by="model" caption="Usage by model" testId="usage-by-model" />}
        </LoadView>
      </section>
    </>
  );
}

function inRange(page: ListRequestsPage, since: number): ListRequestsPage['items'] {
  return page.items.filter((record) => record.time >= since);
}

function Totals({ report, sample, sinceMs }: { report: UsageReport; sample: Load<ListRequestsPage>; sinceMs: number }) {
  const totals = totalsOf(report.rows);
  const savedShare = rate(totals.savingsUsd, totals.referenceCostUsd);
  return (
    <StatGrid label="Totals over the range">
      <StatCard label="Requests" value={formatCount(totals.requests)} testId="stat-requests" />
      <StatCard label="Cost" value={formatUsd(totals.costUsd)} testId="stat-cost" />
      <StatCard label="All-frontier baseline" value={formatUsd(totals.referenceCostUsd)} hint="Every request on its workload's reference model" testId="stat-baseline" />
      <StatCard label="Savings" value={formatUsd(totals.savingsUsd)} hint={`${formatPercent(savedShare)} of the baseline`} testId="stat-savings" tone="good" />
      <StatCard label="Error rate" value={formatPercent(rate(totals.errors, totals.requests))} hint={`${formatCount(totals.errors)} error${totals.errors === 1 ? '' : 's'}`} testId="stat-error-rate" />
      <StatCard label="Fallback rate" value={formatPercent(rate(totals.fallbacks, totals.requests))} hint={`${formatCount(totals.fallbacks)} answered by a fallback`} testId="stat-fallback-rate" />
      <StatCard label="Escalation rate" value={formatPercent(rate(totals.escalations, totals.requests))} hint={`${formatCount(totals.escalations)} escalated`} testId="stat-escalation-rate" />
      {sample.state === 'ready' ? <TtftCards records={sample.data.items.filter((record) => record.time >= sinceMs)} /> : null}
    </StatGrid>
  );
}
