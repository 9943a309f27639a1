/**
 * What governance knows about one deployment, resolved once per config from the registry (model
 * entries, provider and deployment data-handling terms, licence catalogue). Policy checks read only
 * this, so they never parse config on the request path.
 */
export interface DeploymentFacts {
  /** Deployment id (`<provider>/<model>` unless configured). */
  id: string;
  /** The logical model it serves. */
  model: string;
  provider: string;
  providerType: string;
  /** Runs on infrastructure the team controls (vLLM, Ollama, llama.cpp, TGI, LM Studio, or declared so). */
  selfHosted: boolean;
  /** The model's weights are published (open weights) rather than closed. */
  openWeights: boolean;
  /** Provider retention of prompts and answers, in days; 0 = zero retention. Undefined = unknown (treated as not zero). */
  retentionDays?: number;
  /** Prompts may be used to train the provider's models. Undefined = unknown (treated as yes). */
  usedForTraining?: boolean;
  /** Regions the data is processed in (`eu`, `us`, `eu-west-1`…); empty = unknown. */
  regions: readonly string[];
  /** Certifications of the service (`soc2`, `hipaa`, `iso27001`, `gdpr`…), lower-case. */
  certifications: readonly string[];
  /** The model's lifecycle in the registry. */
  lifecycle: 'candidate' | 'approved' | 'deprecated' | 'retired';
  /** SPDX id or licence key in the catalogue, when known. */
  license?: string;
}

/** Data classes, from least to most sensitive. A request's class can only be raised, never lowered. */
export const DATA_CLASSES = ['public', 'internal', 'confidential', 'restricted'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export function dataClassRank(dataClass: DataClass): number {
  return DATA_CLASSES.indexOf(dataClass);
}
