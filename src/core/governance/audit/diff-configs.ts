import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import { isJsonRecord } from '../../../spec/is-json-record.js';

/** Entries of one config section added, removed, or changed (with the fields that changed). */
export interface SectionDiff {
  added: string[];
  removed: string[];
  changed: Array<{ name: string; fields: string[] }>;
}

/** What changed between two resolved configs, by name; never any value, so secrets cannot leak. */
export interface ConfigDiff {
  providers: SectionDiff;
  models: SectionDiff;
  deployments: SectionDiff;
  workloads: SectionDiff;
  /** Workloads whose `policy` block appeared, disappeared or changed. */
  policies: SectionDiff;
  /**
   * Registry entries, from the resolved registry (`config.registry`): `models.<name>`,
   * `deployments.<id>` (licence, lifecycle, data terms, versions…) and `licenses.<key>` (the
   * catalogue with the config's overrides). Without one, the raw `registry` / `data_handling` blocks.
   */
  registry: SectionDiff;
  /** Client keys, by name. */
  keys: SectionDiff;
  /** Other top-level sections that changed (`server`, `storage`, `resilience`…). */
  settings: string[];
}

/** The parts of a config the diff reads; a `ResolvedConfig` fits, with or without governance blocks. */
export type DiffableConfig = Pick<ResolvedConfig, 'providers' | 'models' | 'deployments' | 'workloads' | 'keys'> & object;

/** Secrets are compared by digest, so a rotated key shows as a change without its value being kept. */
const SECRET_FIELDS = new Set(['api_key', 'admin_key', 'key_sha256', 'key', 'password', 'url']);
/**
 * Derived data compared elsewhere: the loaded router artifact (its path is compared), a
 * deployment's copy of its provider, a registry deployment's policy facts (copied from its model
 * and data terms, which are compared).
 */
const SKIPPED_FIELDS = new Set(['loaded', 'providerConfig', 'facts']);
const SECTION_FIELDS = new Set(['providers', 'models', 'deployments', 'workloads', 'keys', 'registry', 'file', 'warnings']);
const POLICY_FIELDS = ['policy'] as const;
const REGISTRY_FIELDS = ['registry'] as const;
const DATA_HANDLING_FIELDS = ['data_handling', 'dataHandling'] as const;

export function diffConfigs(previous: DiffableConfig, next: DiffableConfig): ConfigDiff {
  const modelsForDiff = (config: DiffableConfig) =>
    Object.fromEntries(
      Object.entries(config.models).map(([name, model]) => [name, { ...model, deployments: model.deployments.map((deployment) => deployment.id) }]),
    );
  const keysByName = (config: DiffableConfig) => Object.fromEntries(config.keys.map((key) => [key.name, key]));
  return {
    providers: diffSection(previous.providers, next.providers),
    models: diffSection(modelsForDiff(previous), modelsForDiff(next)),
    deployments: diffSection(previous.deployments, next.deployments),
    workloads: diffSection(previous.workloads, next.workloads),
    policies: diffSection(pick(previous.workloads, POLICY_FIELDS), pick(next.workloads, POLICY_FIELDS)),
    registry: diffSection(registryEntries(previous), registryEntries(next)),
    keys: diffSection(keysByName(previous), keysByName(next)),
    settings: changedSettings(previous, next),
  };
}

/** True when nothing in the diff changed. */
export function isEmptyConfigDiff(diff: ConfigDiff): boolean {
  const { settings, ...sections } = diff;
  return settings.length === 0 && Object.values(sections).every((section) => section.added.length + section.removed.length + section.changed.length === 0);
}

/** One line per non-empty section, e.g. `models: +small -old ~big(fallbacks)`. */
export function summarizeConfigDiff(diff: ConfigDiff): string {
  const { settings, ...sections } = diff;
  const lines = Object.entries(sections).flatMap(([name, section]) => {
    const parts = [
      ...section.added.map((entry) => `+${entry}`),
      ...section.removed.map((entry) => `-${entry}`),
      ...section.changed.map((entry) => `~${entry.name}(${entry.fields.join(',')})`),
    ];
    return parts.length === 0 ? [] : [`${name}: ${parts.join(' ')}`];
  });
  if (settings.length > 0) lines.push(`settings: ${settings.join(', ')}`);
  return lines.length === 0 ? 'no changes' : lines.join('\n');
}

function diffSection(previous: Readonly<Record<string, unknown>>, next: Readonly<Record<string, unknown>>): SectionDiff {
  const added = Object.keys(next).filter((name) => !(name in previous)).sort();
  const removed = Object.keys(previous).filter((name) => !(name in next)).sort();
  const changed = Object.keys(next)
    .filter((name) => name in previous)
    .sort()
    .flatMap((name) => {
      const fields = changedFields(previous[name], next[name]);
      return fields.length === 0 ? [] : [{ name, fields }];
    });
  return { added, removed, changed };
}

function changedFields(previous: unknown, next: unknown): string[] {
  if (!isJsonRecord(previous) || !isJsonRecord(next)) return canonical(previous) === canonical(next) ? [] : ['value'];
  const fields = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...fields]
    .filter((field) => !SKIPPED_FIELDS.has(field) && canonical(previous[field], field) !== canonical(next[field], field))
    .sort();
}

function changedSettings(previous: DiffableConfig, next: DiffableConfig): string[] {
  const previousRecord: Record<string, unknown> = { ...previous };
  const nextRecord: Record<string, unknown> = { ...next };
  const fields = new Set([...Object.keys(previousRecord), ...Object.keys(nextRecord)]);
  return [...fields]
    .filter((field) => !SECTION_FIELDS.has(field) && canonical(previousRecord[field], field) !== canonical(nextRecord[field], field))
    .sort();
}

/** Each entry's first present field among `fields`, keeping only the entries that have one. */
function pick(entries: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (!isJsonRecord(entry)) continue;
    const field = fields.find((candidate) => entry[candidate] !== undefined);
    if (field !== undefined) result[name] = entry[field];
  }
  return result;
}

function registryEntries(config: DiffableConfig): Record<string, unknown> {
  const prefixed = (prefix: string, entries: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entries).map(([name, value]) => [`${prefix}.${name}`, value]));
  // Read without its type: the diff also serves configs built before (or without) the registry.
  const resolved: unknown = (config as { registry?: unknown }).registry;
  if (isJsonRecord(resolved) && isJsonRecord(resolved.models) && isJsonRecord(resolved.deployments)) {
    const licenses = isJsonRecord(resolved.licenses) && isJsonRecord(resolved.licenses.entries) ? resolved.licenses.entries : {};
    return { ...prefixed('models', resolved.models), ...prefixed('deployments', resolved.deployments), ...prefixed('licenses', licenses) };
  }
  return {
    ...prefixed('models', pick(config.models, REGISTRY_FIELDS)),
    ...prefixed('providers', pick(config.providers, DATA_HANDLING_FIELDS)),
    ...prefixed('deployments', pick(config.deployments, DATA_HANDLING_FIELDS)),
  };
}

/** A stable text form: keys sorted, secrets digested, derived fields dropped, functions ignored. */
function canonical(value: unknown, field?: string): string {
  return JSON.stringify(normalize(value, field));
}

function normalize(value: unknown, field?: string): unknown {
  if (field !== undefined && SECRET_FIELDS.has(field) && typeof value === 'string') {
    return `sha256:${createHash('sha256').update(value).digest('hex')}`;
  }
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value instanceof Map) return normalize(Object.fromEntries(value));
  if (value instanceof Set) return [...value].map((item) => normalize(item));
  if (value instanceof RegExp || value instanceof Date) return String(value);
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (SKIPPED_FIELDS.has(key)) continue;
    result[key] = normalize(record[key], key);
  }
  return result;
}
