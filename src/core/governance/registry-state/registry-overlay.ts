import type { LiveRegistryState, RegistryStateEntry, RegistryStateStore } from './registry-state-entry.js';

/**
 * The registry's live state in memory: model → lifecycle set at run time. Readers take an
 * immutable snapshot (`current()`), so the policy engine can read it on the request path without
 * locks or I/O and cache whatever it derives per `version`; every change publishes a new snapshot
 * with a higher version and tells the subscribers.
 */

export interface RegistryOverlaySnapshot {
  /** Increases on every change; 0 for the empty overlay a gateway starts with. */
  readonly version: number;
  /** Live state by model name. Frozen entries; never mutated once published. */
  readonly states: ReadonlyMap<string, Readonly<LiveRegistryState>>;
}

export type RegistryOverlayListener = (snapshot: RegistryOverlaySnapshot, previous: RegistryOverlaySnapshot) => void;

export class RegistryOverlay {
  #snapshot: RegistryOverlaySnapshot;
  readonly #listeners = new Set<RegistryOverlayListener>();

  constructor(entries: readonly RegistryStateEntry[] = []) {
    this.#snapshot = snapshotOf(0, toStates(entries));
  }

  /** The state in force now. Cheap: the same object until the next change. */
  current(): RegistryOverlaySnapshot {
    return this.#snapshot;
  }

  /** Calls `listener` after every change, with the new and the previous snapshot. Returns the unsubscribe function. */
  subscribe(listener: RegistryOverlayListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Sets one model's live state (after the store has it). Always a change: the version increases. */
  set(entry: RegistryStateEntry): RegistryOverlaySnapshot {
    const states = new Map(this.#snapshot.states);
    states.set(entry.model, liveStateOf(entry));
    return this.#publish(states);
  }

  /**
   * Replaces every state with what the store holds (start-up, or a periodic refresh so replicas
   * pick up each other's changes). Publishes only when something differs, so a refresh that finds
   * nothing new keeps the version (and the caches keyed on it).
   */
  replaceAll(entries: readonly RegistryStateEntry[]): RegistryOverlaySnapshot {
    const states = toStates(entries);
    if (sameStates(states, this.#snapshot.states)) return this.#snapshot;
    return this.#publish(states);
  }

  #publish(states: Map<string, Readonly<LiveRegistryState>>): RegistryOverlaySnapshot {
    const previous = this.#snapshot;
    const next = snapshotOf(previous.version + 1, states);
    this.#snapshot = next;
    // Every listener hears of the change even if an earlier one throws; the first error is rethrown after.
    const errors: unknown[] = [];
    for (const listener of [...this.#listeners]) {
      try {
        listener(next, previous);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
    return next;
  }
}

/** Start-up: an overlay holding what the store has (version 1 when it holds anything, else 0). */
export async function loadRegistryOverlay(store: Pick<RegistryStateStore, 'listRegistryState'>): Promise<RegistryOverlay> {
  const overlay = new RegistryOverlay();
  overlay.replaceAll(await store.listRegistryState());
  return overlay;
}

/** Re-reads the store into `overlay`; true when that changed anything. */
export async function refreshRegistryOverlay(overlay: RegistryOverlay, store: Pick<RegistryStateStore, 'listRegistryState'>): Promise<boolean> {
  const before = overlay.current();
  return overlay.replaceAll(await store.listRegistryState()) !== before;
}

function snapshotOf(version: number, states: Map<string, Readonly<LiveRegistryState>>): RegistryOverlaySnapshot {
  return Object.freeze({ version, states });
}

function toStates(entries: readonly RegistryStateEntry[]): Map<string, Readonly<LiveRegistryState>> {
  return new Map(entries.map((entry) => [entry.model, liveStateOf(entry)]));
}

function liveStateOf(entry: RegistryStateEntry): Readonly<LiveRegistryState> {
  return Object.freeze({
    lifecycle: entry.lifecycle,
    ...(entry.deprecationDate === undefined ? {} : { deprecationDate: entry.deprecationDate }),
    reason: entry.reason,
    actor: entry.actor,
    updatedAt: entry.updatedAt,
  });
}

function sameStates(left: ReadonlyMap<string, LiveRegistryState>, right: ReadonlyMap<string, LiveRegistryState>): boolean {
  if (left.size !== right.size) return false;
  for (const [model, state] of left) {
    const other = right.get(model);
    if (
      other === undefined ||
      other.lifecycle !== state.lifecycle ||
      other.deprecationDate !== state.deprecationDate ||
      other.reason !== state.reason ||
      other.actor !== state.actor ||
      other.updatedAt !== state.updatedAt
    ) {
      return false;
    }
  }
  return true;
}
