import type { z } from 'zod';
import type { DeploymentFacts } from '../deployment-facts.js';
import { resolveDataHandling, SELF_HOSTED_PROVIDER_TYPES, type DataHandling } from './data-handling.js';
import { buildLicenseCatalogue, type LicenseCatalogue, type LicenseTerms } from './license-catalogue.js';
import type { dataHandlingSchema, Lifecycle, LicenseTermsConfig, modelRegistrySchema, Openness } from './registry-config.js';

/**
 * The registry: one entry per logical model and per deployment, resolved once per config from the
 * models' `registry:` blocks, the providers' and deployments' `data_handling:` blocks and the
 * licence catalogue. Problems come back as `{ path, message }` for the config resolver to report.
 */

type DataHandlingInput = z.input<typeof dataHandlingSchema>;
type ModelRegistryInput = z.input<typeof modelRegistrySchema>;

/** The parts of a config the registry reads; both the parsed and the resolved config fit. */
export interface RegistryInput {
  providers: Readonly<Record<string, { type: string; data_handling?: DataHandlingInput }>>;
  models: Readonly<
    Record<
      string,
      {
        deployments: ReadonlyArray<{ id?: string; provider: string; model: string; version?: string; data_handling?: DataHandlingInput }>;
        registry?: ModelRegistryInput;
      }
    >
  >;
  /** Top-level `registry.licenses`. */
  licenses?: Readonly<Record<string, LicenseTermsConfig>>;
}

export interface RegistryIssue {
  path: Array<string | number>;
  message: string;
}

export interface ResolvedLineage {
  baseModel: string;
  /** The base version this model was derived from. */
  baseVersion: string;
  adapter?: string;
  quantizationBits?: number;
  /** The versions the base model runs now. */
  baseCurrentVersions: readonly string[];
  /** The base has moved on: `baseVersion` is not among `baseCurrentVersions`. */
  stale: boolean;
}

export interface ModelRegistryEntry {
  name: string;
  /** Whether the model has a `registry:` block (otherwise every value here is a default). */
  declared: boolean;
  owner?: string;
  /** Declared, else implied by the licence or by self-hosted deployments; `unknown` otherwise. */
  openness: Openness | 'unknown';
  license?: string;
  /** The licence's key terms, when the catalogue knows it. */
  licenseTerms?: LicenseTerms;
  lifecycle: Lifecycle;
  deprecationDate?: string;
  providerDeprecationDate?: string;
  /** The earlier of the two dates: the day the model can no longer be relied on. */
  effectiveDeprecationDate?: string;
  pinnedVersion?: string;
  /** What the model runs now: the pinned version, else each deployment's version or upstream id. */
  currentVersions: readonly string[];
  lineage?: ResolvedLineage;
  deployments: readonly string[];
}

export interface DeploymentRegistryEntry {
  id: string;
  model: string;
  provider: string;
  providerType: string;
  /** The id sent upstream. */
  upstreamModel: string;
  /** The deployment's `version`, else its model's `pinned_version`. */
  version?: string;
  dataHandling: DataHandling;
  facts: DeploymentFacts;
}

export interface Registry {
  readonly models: Readonly<Record<string, ModelRegistryEntry>>;
  readonly deployments: Readonly<Record<string, DeploymentRegistryEntry>>;
  readonly licenses: LicenseCatalogue;
  /** Problems to report as config errors. */
  readonly issues: readonly RegistryIssue[];
  /** What the policy engine knows about a deployment. Throws for an id that is not configured. */
  factsFor(deploymentId: string): DeploymentFacts;
}

export function resolveRegistry(input: RegistryInput): Registry {
  const issues: RegistryIssue[] = [];
  const { catalogue, problems } = buildLicenseCatalogue(input.licenses);
  for (const problem of problems) issues.push({ path: ['registry', 'licenses', problem.key], message: problem.message });

  const models: Record<string, ModelRegistryEntry> = {};
  for (const [name, model] of Object.entries(input.models)) {
    models[name] = resolveModelEntry(name, model, input, catalogue, issues);
  }
  for (const [name, model] of Object.entries(input.models)) {
    const lineage = model.registry?.lineage;
    if (lineage === undefined) continue;
    const path = ['models', name, 'registry', 'lineage', 'base_model'];
    const base = models[lineage.base_model];
    if (lineage.base_model === name) {
      issues.push({ path, message: `model '${name}' cannot be derived from itself` });
    } else if (base === undefined) {
      issues.push({ path, message: `unknown base model '${lineage.base_model}'; the base must be a configured model (add it, with its pinned_version, to models)` });
    } else {
      if (lineageCycle(name, input.models)) issues.push({ path, message: `lineage of '${name}' loops back to itself through '${lineage.base_model}'` });
      models[name]!.lineage = {
        baseModel: lineage.base_model,
        baseVersion: lineage.base_version,
        ...(lineage.adapter === undefined ? {} : { adapter: lineage.adapter }),
        ...(lineage.quantization_bits === undefined ? {} : { quantizationBits: lineage.quantization_bits }),
        baseCurrentVersions: base.currentVersions,
        stale: !base.currentVersions.includes(lineage.base_version),
      };
    }
  }

  const deployments: Record<string, DeploymentRegistryEntry> = {};
  for (const [modelName, model] of Object.entries(input.models)) {
    const entry = models[modelName]!;
    for (const deployment of model.deployments) {
      const provider = input.providers[deployment.provider];
      // An unknown provider is the config resolver's error to report; without it there is nothing to say.
      if (provider === undefined) continue;
      const id = deployment.id ?? `${deployment.provider}/${deployment.model}`;
      const dataHandling = resolveDataHandling(provider.type, provider.data_handling, deployment.data_handling);
      const version = deployment.version ?? entry.pinnedVersion;
      const facts: DeploymentFacts = {
        id,
        model: modelName,
        provider: deployment.provider,
        providerType: provider.type,
        selfHosted: dataHandling.selfHosted,
        openWeights: entry.openness === 'open_weights',
        ...(dataHandling.retentionDays === undefined ? {} : { retentionDays: dataHandling.retentionDays }),
        ...(dataHandling.usedForTraining === undefined ? {} : { usedForTraining: dataHandling.usedForTraining }),
        regions: dataHandling.regions,
        certifications: dataHandling.certifications,
        lifecycle: entry.lifecycle,
        ...(entry.license === undefined ? {} : { license: entry.licenseTerms?.key ?? entry.license }),
      };
      deployments[id] = {
        id,
        model: modelName,
        provider: deployment.provider,
        providerType: provider.type,
        upstreamModel: deployment.model,
        ...(version === undefined ? {} : { version }),
        dataHandling,
        facts,
      };
    }
  }

  return {
    models,
    deployments,
    licenses: catalogue,
    issues,
    factsFor(deploymentId) {
      const found = deployments[deploymentId];
      if (found === undefined) throw new Error(`no registry entry for deployment '${deploymentId}'`);
      return found.facts;
    },
  };
}

function resolveModelEntry(
  name: string,
  model: RegistryInput['models'][string],
  input: RegistryInput,
  catalogue: LicenseCatalogue,
  issues: RegistryIssue[],
): ModelRegistryEntry {
  const declared = model.registry;
  const path = ['models', name, 'registry'];
  const lifecycle = declared?.lifecycle ?? 'approved';
  const entry: ModelRegistryEntry = {
    name,
    declared: declared !== undefined,
    openness: 'unknown',
    lifecycle,
    currentVersions: [],
    deployments: model.deployments
      .filter((deployment) => input.providers[deployment.provider] !== undefined)
      .map((deployment) => deployment.id ?? `${deployment.provider}/${deployment.model}`),
  };
  if (declared?.owner !== undefined) entry.owner = declared.owner;
  if (declared?.license !== undefined) {
    entry.license = declared.license;
    const terms = catalogue.lookup(declared.license);
    if (terms === undefined) {
      issues.push({
        path: [...path, 'license'],
        message: `unknown licence '${declared.license}'; expected an SPDX id or catalogue key (${Object.keys(catalogue.entries).join(', ')}), or add it under registry.licenses`,
      });
    } else {
      entry.licenseTerms = terms;
    }
  }
  // Dates are validated by the schema; checked again for inputs built by hand.
  for (const field of ['deprecation_date', 'provider_deprecation_date'] as const) {
    const value = declared?.[field];
    if (value !== undefined && !isIsoDate(value)) issues.push({ path: [...path, field], message: `expected an ISO date YYYY-MM-DD, got '${value}'` });
  }
  if (declared?.deprecation_date !== undefined) entry.deprecationDate = declared.deprecation_date;
  if (declared?.provider_deprecation_date !== undefined) entry.providerDeprecationDate = declared.provider_deprecation_date;
  const dates = [entry.deprecationDate, entry.providerDeprecationDate].filter((date): date is string => date !== undefined && isIsoDate(date)).sort();
  if (dates[0] !== undefined) entry.effectiveDeprecationDate = dates[0];
  if (lifecycle === 'deprecated' && entry.deprecationDate === undefined) {
    issues.push({ path: [...path, 'deprecation_date'], message: 'required when lifecycle is deprecated (the date the model stops being used)' });
  }
  if (declared?.pinned_version !== undefined) entry.pinnedVersion = declared.pinned_version;
  entry.currentVersions =
    entry.pinnedVersion !== undefined
      ? [entry.pinnedVersion]
      : [...new Set(model.deployments.map((deployment) => deployment.version ?? deployment.model))];

  entry.openness = declared?.openness ?? impliedOpenness(entry.licenseTerms, model.deployments, input.providers);
  if (declared?.openness === 'open_weights' && entry.licenseTerms?.kind === 'closed_service') {
    issues.push({ path: [...path, 'openness'], message: `open_weights contradicts licence '${entry.licenseTerms.key}', the terms of a closed service` });
  }
  return entry;
}

/** Openness a licence or the deployments imply: weights a team serves itself must be open. */
function impliedOpenness(
  terms: LicenseTerms | undefined,
  deployments: RegistryInput['models'][string]['deployments'],
  providers: RegistryInput['providers'],
): Openness | 'unknown' {
  if (terms !== undefined) return terms.kind === 'closed_service' ? 'closed' : 'open_weights';
  const types = deployments.map((deployment) => providers[deployment.provider]?.type);
  if (types.length > 0 && types.every((type) => type !== undefined && SELF_HOSTED_PROVIDER_TYPES.has(type) && type !== 'simulated')) return 'open_weights';
  return 'unknown';
}

function lineageCycle(start: string, models: RegistryInput['models']): boolean {
  const seen = new Set<string>([start]);
  let current = models[start]?.registry?.lineage?.base_model;
  while (current !== undefined) {
    if (seen.has(current)) return current === start;
    seen.add(current);
    current = models[current]?.registry?.lineage?.base_model;
  }
  return false;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}
