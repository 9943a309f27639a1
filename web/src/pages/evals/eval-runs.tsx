import { Bar, BarChart, CartesianGrid, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalRunRecord, GateRecord } from '../../api/admin-types.js';
import { AXIS_PROPS } from '../../charts/chart-helpers.js';
import { COLOR } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { DataTable } from '../../components/data-table.js';
import { EmptyState } from '../../components/empty-state.js';
import { formatCount, formatDateTime, formatPercent, formatScore, formatScoreInterval, formatUsd } from '../../format/format-number.js';

const CHART_RUNS = 20;

export const RUNS_SETUP = (
  <p>
    Runs are recorded by <code>switchyard eval run</code>, by gates and by drift re-runs. Give a workload an eval set with{' '}
    <code>workloads.&lt;name&gt;.evaluation.eval_set: {'{'} path: evals/&lt;name&gt;.jsonl {'}'}</code>.
  </p>
);

export const GATES_SETUP = (
  <p>
    Gates compare a candidate with the workload's current model on its eval set: <code>switchyard eval gate --set … --candidate … --baseline …</code>, or automatically on
    drift when <code>eval_set.rerun_on_drift</code> is on.
  </p>
);

function runLabel(run: EvalRunRecord): string {
  return `${run.model} · ${formatDateTime(run.time)}`;
}

export function EvalRuns({ runs }: { runs: readonly EvalRunRecord[] }) {
  if (runs.length === 0) return <EmptyState title="No eval runs recorded" testId="runs-empty">{RUNS_SETUP}</EmptyState>;
  const latest = [...runs].sort((left, right) => right.time - left.time);
  const chartData = latest
    .slice(0, CHART_RUNS)
    .reverse()
    .map((run) => ({
      label: runLabel(run),
      mean: run.mean ?? 0,
      interval: run.mean === undefined || run.lower === undefined || run.upper === undefined ? undefined : [run.mean - run.lower, run.upper - run.mean],
    }));
  return (
    <>
      <ChartFigure title={`Scores with ${formatPercent(latest[0]?.confidence ?? 0.95)} confidence intervals (latest ${Math.min(CHART_RUNS, runs.length)} runs)`} testId="chart-eval-runs">
        <BarChart data={chartData} margin={{ top: 8, right: 16, bottom: 40, left: 8 }} accessibilityLayer>
          <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" interval={0} angle={-20} textAnchor="end" height={60} {...AXIS_PROPS} />
          <YAxis domain={[0, 1]} tickFormatter={(value: unknown) => (typeof value === 'number' ? formatScore(value) : String(value))} width={56} {...AXIS_PROPS} />
          <Tooltip formatter={(value: unknown) => (typeof value === 'number' ? formatScore(value) : String(value))} />
          <Bar dataKey="mean" name="Mean score" fill={COLOR.cost} maxBarSize={64} isAnimationActive={false}>
            <ErrorBar dataKey="interval" width={6} stroke={COLOR.axis} />
          </Bar>
        </BarChart>
      </ChartFigure>
      <DataTable<EvalRunRecord>
        caption="Eval runs"
        testId="eval-runs-table"
        rows={latest}
        rowKey={(run) => run.id}
        rowTestId={(run) => `eval-run-${run.id}`}
        columns={[
          { header: 'Time', cell: (run) => formatDateTime(run.time) },
          { header: 'Model', cell: (run) => run.model, rowHeader: true },
          { header: 'Version', cell: (run) => <span className="mono">{run.modelVersion}</span> },
          { header: 'Set', cell: (run) => <span title={run.setHash}>{run.setPath}</span> },
          { header: 'Trigger', cell: (run) => run.trigger },
          { header: 'Cases', cell: (run) => `${formatCount(run.scored)} scored of ${formatCount(run.cases)}${run.failed > 0 ? `, ${formatCount(run.failed)} failed` : ''}`, numeric: true },
          { header: 'Score [CI]', cell: (run) => formatScoreInterval(run.mean, run.lower, run.upper), numeric: true },
          { header: 'Cost', cell: (run) => (run.costUsd === undefined ? '—' : formatUsd(run.costUsd)), numeric: true },
        ]}
      />
    </>
  );
}

export function Gates({ gates }: { gates: readonly GateRecord[] }) {
  if (gates.length === 0) return <EmptyState title="No gate verdicts recorded" testId="gates-empty">{GATES_SETUP}</EmptyState>;
  const passed = gates.filter((gate) => gate.passed).length;
  return (
    <>
      <p data-testid="gates-summary">
        {passed} passed, {gates.length - passed} failed.
      </p>
      <DataTable<GateRecord>
        caption="Gate verdicts"
        testId="gates-table"
        rows={gates}
        rowKey={(gate) => gate.id}
        rowTestId={(gate) => `gate-${gate.id}`}
        columns={[
          { header: 'Time', cell: (gate) => formatDateTime(gate.time) },
          { header: 'Verdict', cell: (gate) => <span className={`badge badge-${gate.passed ? 'good' : 'bad'}`}>{gate.passed ? '✓ Passed' : '✗ Failed'}</span> },
          { header: 'Candidate', cell: (gate) => `${gate.candidate} (${gate.candidateVersion})`, rowHeader: true },
          { header: 'Baseline', cell: (gate) => `${gate.baseline} (${gate.baselineVersion})` },
          { header: 'Workload', cell: (gate) => gate.workload ?? '—' },
          { header: 'Test', cell: (gate) => `${gate.mode}, max drop ${formatScore(gate.maxDrop)} at ${formatPercent(gate.confidence)}` },
          { header: 'Difference', cell: (gate) => `${formatScore(gate.meanDifference)} (bound ${formatScore(gate.bound)})`, numeric: true },
          { header: 'Reason', cell: (gate) => gate.reason },
        ]}
      />
    </>
  );
}
