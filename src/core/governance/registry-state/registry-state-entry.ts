import type { Lifecycle } from '../registry/registry-config.js';

/**
 * One model's live registry state: a lifecycle set at run time (admin API) that overrides the
 * `registry.lifecycle` / `deprecation_date` written in config until config catches up. Kept in the
 * database (`registry_state`, migration 0005) so every replica and every restart sees it.
 */
export interface RegistryStateEntry {
  /** The logical model (a key of `models:` in config). */
  model: string;
  lifecycle: Lifecycle;
  /** ISO date `YYYY-MM-DD` the team stops using the model; required when `lifecycle` is `deprecated`. */
  deprecationDate?: string;
  /** Why it was changed (free text, shown in listings and the audit log). */
  reason: string;
  /** Who changed it: the admin key's name, or `local`. */
  actor: string;
  /** Unix milliseconds of the change. */
  updatedAt: number;
}

/** A model's live state as the overlay holds it (keyed by model). */
export type LiveRegistryState = Omit<RegistryStateEntry, 'model'>;

/** Where live registry state is kept. One row per model: setting it again replaces it (history is in the audit log). */
export interface RegistryStateStore {
  /** Inserts or replaces the model's live state. */
  setRegistryState(entry: RegistryStateEntry): Promise<void>;
  /** Every model's live state, by model name. */
  listRegistryState(): Promise<RegistryStateEntry[]>;
}
