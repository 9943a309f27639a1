import type { DataHandlingConfig } from './registry-config.js';

/**
 * Provider types that run on the team's own infrastructure. Data sent to them stays in-house and is
 * not retained by a third party, unless the config says otherwise.
 */
export const SELF_HOSTED_PROVIDER_TYPES: ReadonlySet<string> = new Set(['vllm', 'ollama', 'llamacpp', 'tgi', 'lmstudio', 'simulated']);

/** The data-handling terms of one deployment, after defaults and overrides. */
export interface DataHandling {
  selfHosted: boolean;
  /** Days a third party keeps prompts and answers; 0 = zero retention; undefined = unknown. */
  retentionDays?: number;
  zeroRetention: boolean;
  /** undefined = unknown (policy treats it as yes). */
  usedForTraining?: boolean;
  regions: readonly string[];
  /** Lower-case. */
  certifications: readonly string[];
  /** Which layers set the terms, most specific last (`type default`, `provider`, `deployment`). */
  sources: readonly DataHandlingSource[];
}

export type DataHandlingSource = 'type default' | 'provider' | 'deployment';

/**
 * Layers the terms: defaults of the provider type, then the provider's `data_handling`, then the
 * deployment's. Each key a layer sets replaces the one below; `zero_retention` and
 * `retention_days` are one setting (retention) so a deployment's `retention_days: 30` replaces a
 * type's zero retention rather than contradicting it.
 */
export function resolveDataHandling(
  providerType: string,
  provider: DataHandlingConfig | undefined,
  deployment: DataHandlingConfig | undefined,
): DataHandling {
  const selfHostedType = SELF_HOSTED_PROVIDER_TYPES.has(providerType);
  let selfHosted = selfHostedType;
  // Self-hosted: nothing leaves, so zero retention and no training. Hosted: unknown until declared.
  let retention: number | 'unknown' = selfHostedType ? 0 : 'unknown';
  let usedForTraining: boolean | undefined = selfHostedType ? false : undefined;
  let regions: readonly string[] = [];
  let certifications: readonly string[] = [];
  const sources: DataHandlingSource[] = ['type default'];
  for (const [layer, source] of [
    [provider, 'provider'],
    [deployment, 'deployment'],
  ] as const) {
    if (layer === undefined) continue;
    sources.push(source);
    if (layer.self_hosted !== undefined) selfHosted = layer.self_hosted;
    const layerRetention = retentionOf(layer);
    if (layerRetention !== undefined) retention = layerRetention;
    if (layer.used_for_training !== undefined) usedForTraining = layer.used_for_training;
    if (layer.regions !== undefined) regions = layer.regions;
    if (layer.certifications !== undefined) certifications = layer.certifications.map((name) => name.toLowerCase());
  }
  return {
    selfHosted,
    ...(retention === 'unknown' ? {} : { retentionDays: retention }),
    zeroRetention: retention === 0,
    ...(usedForTraining === undefined ? {} : { usedForTraining }),
    regions,
    certifications,
    sources,
  };
}

/** What one layer says about retention: days, explicitly not zero (unknown days), or nothing. */
function retentionOf(layer: DataHandlingConfig): number | 'unknown' | undefined {
  if (layer.retention_days !== undefined) return layer.retention_days;
  if (layer.zero_retention === true) return 0;
  if (layer.zero_retention === false) return 'unknown';
  return undefined;
}
