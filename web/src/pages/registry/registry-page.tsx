import { adminPath } from '../../api/admin-client.js';
import type { AuditEntry } from '../../api/admin-types.js';
import { expectAudit, expectCheck, expectDrift, expectRegistry, expectRegistryState } from '../../api/parse-responses.js';
import { useAdmin } from '../../api/use-admin.js';
import { DataTable } from '../../components/data-table.js';
import { LoadView } from '../../components/load-view.js';
import { PageHeader } from '../../components/page-header.js';
import { formatDateTime } from '../../format/format-number.js';
import { ExposurePanel } from './exposure-panel.js';
import { ModelsTable } from './models-table.js';
import { CheckFindings, DriftSightings, LiveOverrides } from './registry-warnings.js';

export function RegistryPage() {
  const { load: registry, reload } = useAdmin(adminPath('registry'), expectRegistry);
  const check = useAdmin(adminPath('registry/check'), expectCheck).load;
  const drift = useAdmin(adminPath('registry/drift', { drift_only: true, limit: 100 }), expectDrift).load;
  const state = useAdmin(adminPath('registry/state'), expectRegistryState).load;
  const audit = useAdmin(adminPath('audit', { limit: 20 }), expectAudit).load;

  return (
    <>
      <PageHeader title="Registry" description="Every model with its version, licence, data terms, lifecycle and owner; what depends on what; drift and deprecations.">
        <button type="button" className="button-quiet" onClick={reload}>
          Refresh
        </button>
      </PageHeader>

      <section aria-labelledby="registry-warnings">
        <h2 id="registry-warnings">Warnings</h2>
        <LoadView load={check} label="registry check">
          {(report) => <CheckFindings report={report} />}
        </LoadView>
        <h3>Version drift</h3>
        <LoadView load={drift} label="drift sightings">
          {(response) => <DriftSightings sightings={response.sightings} />}
        </LoadView>
        <LoadView load={state} label="live registry state">
          {(response) => <LiveOverrides state={response} />}
        </LoadView>
      </section>

      <section aria-labelledby="registry-models">
        <h2 id="registry-models">Models</h2>
        <LoadView load={registry} label="registry">
          {(view) => <ModelsTable registry={view} />}
        </LoadView>
      </section>

      <section aria-labelledby="registry-exposure">
        <h2 id="registry-exposure">Exposure</h2>
        <p className="section-note">Which workloads, traffic and cost depend on a model, a provider or a licence, and whether each has a compliant alternative.</p>
        <LoadView load={registry} label="registry">
          {(view) => <ExposurePanel registry={view} />}
        </LoadView>
      </section>

      <section aria-labelledby="registry-audit">
        <h2 id="registry-audit">Recent changes</h2>
        <LoadView load={audit} label="audit log">
          {(response) => (
            <DataTable<AuditEntry>
              caption="Audit log (latest 20)"
              testId="audit-table"
              rows={response.entries}
              rowKey={(entry) => String(entry.id)}
              empty="No config reloads or admin changes recorded."
              columns={[
                { header: 'Time', cell: (entry) => formatDateTime(entry.time) },
                { header: 'Action', cell: (entry) => entry.action, rowHeader: true },
                { header: 'Target', cell: (entry) => entry.target },
                { header: 'Actor', cell: (entry) => entry.actor },
                { header: 'Generation', cell: (entry) => (entry.configGeneration === undefined ? '—' : String(entry.configGeneration)), numeric: true },
              ]}
            />
          )}
        </LoadView>
      </section>
    </>
  );
}
