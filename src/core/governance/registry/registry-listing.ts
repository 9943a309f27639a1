import type { LicenseTerms } from './license-catalogue.js';
import { resolveRegistry, type Registry, type RegistryInput } from './resolve-registry.js';
import { usesByModel, workloadUsage, type UsageInput, type UsageRole } from './workload-usage.js';

/**
 * The registry as `registry list --json` and `GET /admin/registry` show it: every model and
 * deployment with its pin, openness, licence terms, data terms, owner, lifecycle, lineage and the
 * workloads that use it. Plain JSON (no Maps, no functions), stable field names.
 */

export interface LicenseView {
  /** As written in config. */
  id: string;
  key: string;
  name: string;
  kind: LicenseTerms['kind'];
  commercialUse: boolean;
  maxMonthlyActiveUsers: number | null;
  acceptableUsePolicy: string | null;
  attributionRequired: boolean;
  notes: string | null;
  asOf: string | null;
  source: string | null;
}

export interface UsageView {
  workload: string;
  role: UsageRole;
  path: string;
  via: string | null;
}

export interface ModelView {
  name: string;
  declared: boolean;
  owner: string | null;
  openness: string;
  license: LicenseView | null;
  /** A licence named in config that the catalogue does not know (config check reports it). */
  unknownLicense: string | null;
  lifecycle: string;
  deprecationDate: string | null;
  providerDeprecationDate: string | null;
  pinnedVersion: string | null;
  currentVersions: readonly string[];
  lineage: {
    baseModel: string;
    baseVersion: string;
    adapter: string | null;
    quantizationBits: number | null;
    baseCurrentVersions: readonly string[];
    stale: boolean;
  } | null;
  deployments: readonly string[];
  usedBy: UsageView[];
}

export interface DeploymentView {
  id: string;
  model: string;
  provider: string;
  providerType: string;
  upstreamModel: string;
  version: string | null;
  openness: string;
  license: string | null;
  lifecycle: string;
  owner: string | null;
  dataHandling: {
    selfHosted: boolean;
    retentionDays: number | null;
    zeroRetention: boolean;
    usedForTraining: boolean | null;
    regions: readonly string[];
    certifications: readonly string[];
    sources: readonly string[];
  };
  /** Workloads that can send requests to this deployment (through its model). */
  workloads: string[];
}

export interface RegistryView {
  models: ModelView[];
  deployments: DeploymentView[];
}

/** A config's registry: the one the config resolver stored on it, else resolved now. */
export function registryOf(config: RegistryInput & { registry?: unknown }): Registry {
  const stored = config.registry;
  if (isRegistry(stored)) return stored;
  return resolveRegistry(config);
}

function isRegistry(value: unknown): value is Registry {
  return typeof value === 'object' && value !== null && 'factsFor' in value && typeof value.factsFor === 'function' && 'models' in value && 'deployments' in value;
}

export function describeRegistry(registry: Registry, usage: UsageInput): RegistryView {
  const byModel = usesByModel(workloadUsage(usage));
  const models = Object.values(registry.models).map((entry): ModelView => {
    const uses = byModel.get(entry.name) ?? [];
    return {
      name: entry.name,
      declared: entry.declared,
      owner: entry.owner ?? null,
      openness: entry.openness,
      license: entry.licenseTerms === undefined || entry.license === undefined ? null : licenseView(entry.license, entry.licenseTerms),
      unknownLicense: entry.license !== undefined && entry.licenseTerms === undefined ? entry.license : null,
      lifecycle: entry.lifecycle,
      deprecationDate: entry.deprecationDate ?? null,
      providerDeprecationDate: entry.providerDeprecationDate ?? null,
      pinnedVersion: entry.pinnedVersion ?? null,
      currentVersions: entry.currentVersions,
      lineage:
        entry.lineage === undefined
          ? null
          : {
              baseModel: entry.lineage.baseModel,
              baseVersion: entry.lineage.baseVersion,
              adapter: entry.lineage.adapter ?? null,
              quantizationBits: entry.lineage.quantizationBits ?? null,
              baseCurrentVersions: entry.lineage.baseCurrentVersions,
              stale: entry.lineage.stale,
            },
      deployments: entry.deployments,
      usedBy: uses.map((use) => ({ workload: use.workload, role: use.role, path: use.path, via: use.via ?? null })),
    };
  });
  const deployments = Object.values(registry.deployments).map((entry): DeploymentView => {
    const model = registry.models[entry.model];
    return {
      id: entry.id,
      model: entry.model,
      provider: entry.provider,
      providerType: entry.providerType,
      upstreamModel: entry.upstreamModel,
      version: entry.version ?? null,
      openness: model?.openness ?? 'unknown',
      license: entry.facts.license ?? null,
      lifecycle: entry.facts.lifecycle,
      owner: model?.owner ?? null,
      dataHandling: {
        selfHosted: entry.dataHandling.selfHosted,
        retentionDays: entry.dataHandling.retentionDays ?? null,
        zeroRetention: entry.dataHandling.zeroRetention,
        usedForTraining: entry.dataHandling.usedForTraining ?? null,
        regions: entry.dataHandling.regions,
        certifications: entry.dataHandling.certifications,
        sources: entry.dataHandling.sources,
      },
      workloads: [...new Set((byModel.get(entry.model) ?? []).map((use) => use.workload))],
    };
  });
  return { models, deployments };
}

function licenseView(id: string, terms: LicenseTerms): LicenseView {
  return {
    id,
    key: terms.key,
    name: terms.name,
    kind: terms.kind,
    commercialUse: terms.commercialUse,
    maxMonthlyActiveUsers: terms.maxMonthlyActiveUsers ?? null,
    acceptableUsePolicy: terms.acceptableUsePolicy ?? null,
    attributionRequired: terms.attributionRequired,
    notes: terms.notes ?? null,
    asOf: terms.asOf ?? null,
    source: terms.source ?? null,
  };
}
