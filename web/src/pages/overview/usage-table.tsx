import type { UsageRow } from '../../api/admin-types.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatCount, formatFineMs, formatMs, formatPercent, formatUsd } from '../../format/format-number.js';
import { baselineUsdOf, groupName } from './usage-series.js';

function formatOptionalMs(value: number | undefined): string {
  return value === undefined ? '–' : formatMs(value);
}

/** Per-group usage: the admin API's /usage rows as they come, one column per figure. */
export function UsageTable({ rows, by, caption, testId }: { rows: readonly UsageRow[]; by: 'workload' | 'model'; caption: string; testId: string }) {
  const columns: Array<Column<UsageRow>> = [
    { header: by === 'workload' ? 'Workload' : 'Model', cell: (row) => groupName(row.keys[by]), rowHeader: true },
    { header: 'Requests', cell: (row) => formatCount(row.requests), numeric: true },
    { header: 'Cost', cell: (row) => formatUsd(row.costUsd), numeric: true },
    { header: 'Baseline', cell: (row) => formatUsd(baselineUsdOf(row)), numeric: true },
    { header: 'Savings', cell: (row) => formatUsd(row.savingsUsd), numeric: true },
    { header: 'p50', cell: (row) => formatMs(row.p50LatencyMs), numeric: true },
    { header: 'p95', cell: (row) => formatMs(row.p95LatencyMs), numeric: true },
    { header: 'p99', cell: (row) => formatMs(row.p99LatencyMs), numeric: true },
    // Exact, from the store: over the group's streamed answers (a dash when it had none).
    { header: 'TTFT p50', cell: (row) => formatOptionalMs(row.p50TimeToFirstTokenMs), numeric: true },
    { header: 'TTFT p95', cell: (row) => formatOptionalMs(row.p95TimeToFirstTokenMs), numeric: true },
    { header: 'TTFT p99', cell: (row) => formatOptionalMs(row.p99TimeToFirstTokenMs), numeric: true },
    // What the gateway itself added (wall time less waiting on providers), over the group's answered requests.
    { header: 'Overhead p99', cell: (row) => formatFineMs(row.p99OverheadMs), numeric: true },
    { header: 'Errors', cell: (row) => formatPercent(row.errorRate), numeric: true },
    { header: 'Fallbacks', cell: (row) => formatPercent(row.fallbackRate), numeric: true },
    { header: 'Escalations', cell: (row) => formatPercent(row.escalationRate), numeric: true },
  ];
  return (
    <DataTable
      caption={caption}
      columns={columns}
      rows={rows}
      rowKey={(row) => groupName(row.keys[by])}
      testId={testId}
      rowTestId={(row) => `${by}-row-${groupName(row.keys[by])}`}
      empty="No requests in this range."
    />
  );
}
