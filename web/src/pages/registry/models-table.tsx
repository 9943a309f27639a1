import type { DeploymentView, ModelView, RegistryView } from '../../api/admin-types.js';
import { DataTable } from '../../components/data-table.js';

export function versionOf(model: ModelView): string {
  if (model.pinnedVersion !== null) return model.pinnedVersion;
  return model.currentVersions.length === 0 ? '—' : model.currentVersions.join(', ');
}

export function licenceOf(model: ModelView): string {
  if (model.license !== null) {
    const terms = [model.license.kind.replace(/_/g, ' '), model.license.commercialUse ? 'commercial use allowed' : 'no commercial use'];
    if (model.license.maxMonthlyActiveUsers !== null) terms.push(`≤ ${model.license.maxMonthlyActiveUsers.toLocaleString('en-US')} MAU`);
    return `${model.license.name} (${terms.join(', ')})`;
  }
  return model.unknownLicense === null ? '—' : `${model.unknownLicense} (not in the licence catalogue)`;
}

/** One deployment's data terms in a few words: where it runs, retention, training use, regions. */
export function dataTermsOf(deployment: DeploymentView): string {
  const handling = deployment.dataHandling;
  const terms: string[] = [];
  if (handling.selfHosted) terms.push('self-hosted');
  else if (handling.zeroRetention) terms.push('zero retention');
  else if (handling.retentionDays !== null) terms.push(`kept ${handling.retentionDays} d`);
  else terms.push('retention unknown');
  terms.push(handling.usedForTraining === null ? 'training use unknown' : handling.usedForTraining ? 'used for training' : 'not used for training');
  if (handling.regions.length > 0) terms.push(handling.regions.join('/'));
  return terms.join(', ');
}

export function lifecycleOf(model: ModelView): string {
  const date = model.deprecationDate ?? model.providerDeprecationDate;
  return date === null ? model.lifecycle : `${model.lifecycle} (until ${date})`;
}

function Lifecycle({ model }: { model: ModelView }) {
  const tone = model.lifecycle === 'approved' ? 'good' : model.lifecycle === 'candidate' ? 'neutral' : 'bad';
  return <span className={`badge badge-${tone}`}>{lifecycleOf(model)}</span>;
}

export function ModelsTable({ registry }: { registry: RegistryView }) {
  const deployments = new Map(registry.deployments.map((deployment) => [deployment.id, deployment]));
  return (
    <DataTable<ModelView>
      caption="Models"
      testId="models-table"
      rows={registry.models}
      rowKey={(model) => model.name}
      rowTestId={(model) => `model-${model.name}`}
      empty="No models configured."
      columns={[
        { header: 'Model', cell: (model) => model.name, rowHeader: true },
        { header: 'Version', cell: versionOf },
        { header: 'Licence', cell: licenceOf },
        {
          header: 'Data terms',
          cell: (model) => (
            <ul className="plain-list">
              {model.deployments.map((id) => {
                const deployment = deployments.get(id);
                return (
                  <li key={id}>
                    <span className="mono">{id}</span>: {deployment === undefined ? '—' : dataTermsOf(deployment)}
                  </li>
                );
              })}
            </ul>
          ),
        },
        { header: 'Lifecycle', cell: (model) => <Lifecycle model={model} /> },
        { header: 'Owner', cell: (model) => model.owner ?? '—' },
        { header: 'Used by', cell: (model) => [...new Set(model.usedBy.map((use) => use.workload))].join(', ') || '—' },
      ]}
    />
  );
}
