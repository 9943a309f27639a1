import { useId, useState, type FormEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { adminPath } from '../../api/admin-client.js';
import type { ExposureReport, ExposureTargetKind, RegistryView, WorkloadExposure } from '../../api/admin-types.js';
import { expectExposure } from '../../api/parse-responses.js';
import { useAdmin } from '../../api/use-admin.js';
import { AXIS_PROPS, percentValue } from '../../charts/chart-helpers.js';
import { COLOR } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { DataTable } from '../../components/data-table.js';
import { LoadView } from '../../components/load-view.js';
import { formatCount, formatPercent, formatUsd } from '../../format/format-number.js';
import { groupName } from '../overview/usage-series.js';

const KINDS: ReadonlyArray<{ kind: ExposureTargetKind; label: string }> = [
  { kind: 'model', label: 'Model' },
  { kind: 'provider', label: 'Provider' },
  { kind: 'license', label: 'Licence' },
];

export function targetOptions(registry: RegistryView, kind: ExposureTargetKind): string[] {
  const values =
    kind === 'model'
      ? registry.models.map((model) => model.name)
      : kind === 'provider'
        ? registry.deployments.map((deployment) => deployment.provider)
        : registry.deployments.flatMap((deployment) => (deployment.license === null ? [] : [deployment.license]));
  return [...new Set(values)].sort();
}

export function alternativeText(row: WorkloadExposure): string {
  if (row.alternative === undefined) return '— (no workload policy)';
  return row.alternative.exists ? `Yes: ${row.alternative.deployments.join(', ')}` : 'No compliant alternative';
}

/** Pick a model, provider or licence; see who depends on it, how much, and whether they could move. */
export function ExposurePanel({ registry }: { registry: RegistryView }) {
  const formId = useId();
  const [kind, setKind] = useState<ExposureTargetKind>('model');
  const [value, setValue] = useState(() => targetOptions(registry, 'model')[0] ?? '');
  const [days, setDays] = useState(7);
  const [query, setQuery] = useState<string | null>(null);
  const { load } = useAdmin(query, expectExposure);
  const options = targetOptions(registry, kind);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value !== '') setQuery(adminPath('registry/exposure', { [kind]: value, days }));
  };

  return (
    <>
      <form className="exposure-form" onSubmit={submit} aria-labelledby={`${formId}-legend`}>
        <fieldset>
          <legend id={`${formId}-legend`}>Exposure of a</legend>
          {KINDS.map((option) => (
            <label key={option.kind} className="radio">
              <input
                type="radio"
                name="exposure-kind"
                value={option.kind}
                checked={kind === option.kind}
                onChange={() => {
                  setKind(option.kind);
                  setValue(targetOptions(registry, option.kind)[0] ?? '');
                }}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${formId}-value`}>{KINDS.find((option) => option.kind === kind)?.label}</label>
          <select id={`${formId}-value`} value={value} onChange={(event) => setValue(event.target.value)} disabled={options.length === 0}>
            {options.length === 0 ? <option value="">None configured</option> : null}
            {options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-days`}>Days of traffic</label>
          <input id={`${formId}-days`} type="number" min={1} max={365} value={days} onChange={(event) => setDays(Math.max(1, Math.min(365, Number(event.target.value) || 1)))} />
        </div>
        <button type="submit" disabled={value === ''}>
          Show exposure
        </button>
      </form>
      {query === null ? null : (
        <div aria-live="polite">
          <LoadView load={load} label="exposure">
            {(report) => <ExposureResult report={report} />}
          </LoadView>
        </div>
      )}
    </>
  );
}

function ExposureResult({ report }: { report: ExposureReport }) {
  const withoutAlternative = report.workloads.filter((row) => row.alternative !== undefined && !row.alternative.exists).map((row) => groupName(row.workload));
  return (
    <div data-testid="exposure-result">
      <p data-testid="exposure-summary">
        {report.target.kind} <strong>{report.target.value}</strong>: {formatCount(report.totals.answeredByTarget)} requests answered and{' '}
        {formatUsd(report.totals.targetCostUsd)} spent in the last {report.days} days, across {report.deployments.length} deployment
        {report.deployments.length === 1 ? '' : 's'} ({report.deployments.join(', ') || 'none'}).{' '}
        {withoutAlternative.length === 0 ? 'Every dependent workload has a compliant alternative.' : `No compliant alternative for: ${withoutAlternative.join(', ')}.`}
      </p>
      {report.workloads.length === 0 ? null : (
        <>
          <ChartFigure title="Share of each workload on the target" testId="chart-exposure">
            <BarChart data={report.workloads.map((row) => ({ workload: groupName(row.workload), traffic: row.trafficShare, cost: row.costShare }))} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
              <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="workload" {...AXIS_PROPS} />
              <YAxis domain={[0, 1]} tickFormatter={percentValue} width={56} {...AXIS_PROPS} />
              <Tooltip formatter={percentValue} />
              <Legend />
              <Bar dataKey="traffic" name="Traffic share" fill={COLOR.cost} maxBarSize={64} isAnimationActive={false} />
              <Bar dataKey="cost" name="Cost share" fill={COLOR.baseline} maxBarSize={64} isAnimationActive={false} />
            </BarChart>
          </ChartFigure>
        </>
      )}
      <DataTable<WorkloadExposure>
        caption={`Workloads depending on ${report.target.value}`}
        testId="exposure-table"
        rows={report.workloads}
        rowKey={(row) => groupName(row.workload)}
        rowTestId={(row) => `exposure-${groupName(row.workload)}`}
        empty="No workload uses it by config or sent it traffic."
        columns={[
          { header: 'Workload', cell: (row) => groupName(row.workload), rowHeader: true },
          { header: 'Uses', cell: (row) => row.uses.map((use) => `${use.model} (${use.role.replace(/_/g, ' ')})`).join(', ') || 'traffic only' },
          { header: 'Requests', cell: (row) => formatCount(row.requests), numeric: true },
          { header: 'Answered by target', cell: (row) => formatCount(row.answeredByTarget), numeric: true },
          { header: 'Traffic share', cell: (row) => formatPercent(row.trafficShare), numeric: true },
          { header: 'Target cost', cell: (row) => formatUsd(row.targetCostUsd), numeric: true },
          { header: 'Cost share', cell: (row) => formatPercent(row.costShare), numeric: true },
          { header: 'Compliant alternative', cell: alternativeText },
        ]}
      />
    </div>
  );
}
