/**
 * Why a sighting is a drift: the answering model is not the pinned one, the version a floating
 * alias resolves to changed, or the provider's system fingerprint changed for the same model.
 */
export const DRIFT_KINDS = ['model_mismatch', 'resolved_version_changed', 'fingerprint_changed'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** The first time a deployment was answered by a (reported model, fingerprint) under a given pin. */
export interface ModelVersionSighting {
  deployment: string;
  /** The model id the provider reported. */
  reportedModel: string;
  /** OpenAI's `system_fingerprint` (or another provider's revision), when reported. */
  fingerprint?: string;
  pinnedModel: string;
  pinnedVersion?: string;
  /** Unix milliseconds. */
  firstSeen: number;
  /** For a floating pin, the version it resolved to. */
  resolvedVersion?: string;
  /** Present when this sighting is a drift from the pin or from earlier sightings. */
  drift?: { kind: DriftKind; reason: string };
}

/** A sighting that is a drift; what `onDrift` and the metrics receive. */
export type DriftEvent = ModelVersionSighting & { drift: NonNullable<ModelVersionSighting['drift']> };

export interface ListSightingsFilter {
  /** Inclusive, Unix milliseconds. */
  since?: number;
  deployment?: string;
  /** Only drifts. */
  driftOnly?: boolean;
  /** Page size; default 100, at most 1000. */
  limit?: number;
}

/** Where sightings are persisted; inserting a sighting already stored is a no-op. */
export interface SightingSink {
  recordSightings(sightings: readonly ModelVersionSighting[]): Promise<void>;
}

export interface SightingLog extends SightingSink {
  /** Newest first. */
  listSightings(filter?: ListSightingsFilter): Promise<ModelVersionSighting[]>;
}
