import type { ModelVersionSighting, RegistryCheckReport, RegistryStateResponse } from '../../api/admin-types.js';
import { DataTable } from '../../components/data-table.js';
import { EmptyState } from '../../components/empty-state.js';
import { formatDateTime } from '../../format/format-number.js';

/** `registry check`: deprecations due, retired or unapproved models in use, stale lineage, licence limits. */
export function CheckFindings({ report }: { report: RegistryCheckReport }) {
  if (report.findings.length === 0) {
    return <EmptyState title={`Registry check passed: nothing deprecated within ${report.withinDays} days, no retired, stale or unlicensed use.`} testId="check-ok" />;
  }
  return (
    <>
      <p data-testid="check-summary" className={report.ok ? 'note-warning' : 'note-error'}>
        {report.ok ? 'Registry check passes' : 'Registry check fails'}: {report.errors} error{report.errors === 1 ? '' : 's'}, {report.warnings} warning
        {report.warnings === 1 ? '' : 's'} (deprecations within {report.withinDays} days count as errors).
      </p>
      <ul className="findings" data-testid="check-findings">
        {report.findings.map((finding, index) => (
          <li key={`${finding.workload}-${finding.model}-${finding.kind}-${index}`} className={`finding finding-${finding.severity}`}>
            <span className={`badge badge-${finding.severity === 'error' ? 'bad' : 'warn'}`}>{finding.severity}</span> <strong>{finding.model}</strong> in{' '}
            <strong>{finding.workload}</strong> ({finding.roles.join(', ').replace(/_/g, ' ')}): {finding.message}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Answers from a model version other than the pin, or a changed fingerprint. */
export function DriftSightings({ sightings }: { sightings: readonly ModelVersionSighting[] }) {
  if (sightings.length === 0) return <EmptyState title="No version drift seen: every deployment answered with its pinned model." testId="drift-none" />;
  return (
    <DataTable<ModelVersionSighting>
      caption="Model version drift"
      testId="drift-table"
      rows={sightings}
      rowKey={(sighting) => `${sighting.deployment}\u0000${sighting.reportedModel}\u0000${sighting.fingerprint ?? ''}\u0000${sighting.firstSeen}`}
      columns={[
        { header: 'First seen', cell: (sighting) => formatDateTime(sighting.firstSeen) },
        { header: 'Deployment', cell: (sighting) => sighting.deployment, rowHeader: true },
        { header: 'Pinned', cell: (sighting) => `${sighting.pinnedModel}${sighting.pinnedVersion === undefined ? '' : ` @ ${sighting.pinnedVersion}`}` },
        { header: 'Answered as', cell: (sighting) => `${sighting.reportedModel}${sighting.fingerprint === undefined ? '' : ` (${sighting.fingerprint})`}` },
        { header: 'Drift', cell: (sighting) => (sighting.drift === undefined ? '—' : `${sighting.drift.kind.replace(/_/g, ' ')}: ${sighting.drift.reason}`) },
      ]}
    />
  );
}

/** Lifecycle changes made live through the admin API, laid over the config. */
export function LiveOverrides({ state }: { state: RegistryStateResponse }) {
  if (state.states.length === 0) return null;
  return (
    <DataTable
      caption="Live lifecycle overrides (set through the admin API)"
      testId="live-overrides"
      rows={state.states}
      rowKey={(entry) => entry.model}
      columns={[
        { header: 'Model', cell: (entry) => `${entry.model}${entry.orphaned ? ' (no longer configured)' : ''}`, rowHeader: true },
        { header: 'Lifecycle', cell: (entry) => `${entry.lifecycle}${entry.deprecationDate === null ? '' : ` until ${entry.deprecationDate}`}` },
        { header: 'Config says', cell: (entry) => entry.configLifecycle ?? '—' },
        { header: 'Reason', cell: (entry) => entry.reason },
        { header: 'By', cell: (entry) => `${entry.actor}, ${formatDateTime(entry.updatedAt)}` },
      ]}
    />
  );
}
