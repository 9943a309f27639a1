import type { DeploymentFacts } from '../deployment-facts.js';
import type { DeploymentRegistryEntry, ModelRegistryEntry, Registry } from '../registry/resolve-registry.js';
import type { RegistryOverlay, RegistryOverlaySnapshot } from './registry-overlay.js';
import type { LiveRegistryState } from './registry-state-entry.js';

/**
 * The registry as config declares it with the live state laid over it. Live state wins: a model
 * with a live entry reports its lifecycle and the team's deprecation date from that entry (an entry
 * without a date clears config's); the provider's deprecation date stays, being the provider's fact.
 * The deployments' policy facts follow their model. A live entry for a model that config no longer
 * has is kept in the overlay but ignored here, and listed in `orphaned`.
 */
export interface OverlaidRegistry extends Registry {
  /** The registry from config, without the overlay. */
  readonly base: Registry;
  /** The overlay version this view was built from. */
  readonly overlayVersion: number;
  /** The live entries that apply (their model is configured), by model. */
  readonly live: Readonly<Record<string, Readonly<LiveRegistryState>>>;
  /** Models with a live entry that config does not have, sorted. */
  readonly orphaned: readonly string[];
}

/**
 * The last view built for each registry, with the snapshot it was built from (compared by identity:
 * snapshots are immutable, and versions alone could collide across two overlays). The policy engine
 * may ask on every request; this makes that a lookup.
 */
const views = new WeakMap<Registry, { snapshot: RegistryOverlaySnapshot; view: OverlaidRegistry }>();

export function applyOverlay(registry: Registry, overlay: RegistryOverlay | RegistryOverlaySnapshot): OverlaidRegistry {
  const snapshot = 'current' in overlay ? overlay.current() : overlay;
  const base = isOverlaid(registry) ? registry.base : registry;
  const cached = views.get(base);
  if (cached !== undefined && cached.snapshot === snapshot) return cached.view;
  const view = buildView(base, snapshot);
  views.set(base, { snapshot, view });
  return view;
}

function isOverlaid(registry: Registry): registry is OverlaidRegistry {
  return 'base' in registry && 'overlayVersion' in registry;
}

function buildView(base: Registry, snapshot: RegistryOverlaySnapshot): OverlaidRegistry {
  const live: Record<string, Readonly<LiveRegistryState>> = {};
  const orphaned: string[] = [];
  for (const [model, state] of snapshot.states) {
    if (Object.hasOwn(base.models, model)) live[model] = state;
    else orphaned.push(model);
  }
  orphaned.sort();

  const models: Record<string, ModelRegistryEntry> = {};
  for (const [name, entry] of Object.entries(base.models)) {
    const state = live[name];
    models[name] = state === undefined ? entry : overlaidModel(entry, state);
  }
  const deployments: Record<string, DeploymentRegistryEntry> = {};
  for (const [id, entry] of Object.entries(base.deployments)) {
    const state = live[entry.model];
    deployments[id] = state === undefined || state.lifecycle === entry.facts.lifecycle ? entry : { ...entry, facts: Object.freeze({ ...entry.facts, lifecycle: state.lifecycle }) };
  }

  return Object.freeze({
    base,
    overlayVersion: snapshot.version,
    live: Object.freeze(live),
    orphaned: Object.freeze(orphaned),
    models: Object.freeze(models),
    deployments: Object.freeze(deployments),
    licenses: base.licenses,
    issues: base.issues,
    factsFor(deploymentId: string): DeploymentFacts {
      const found = deployments[deploymentId];
      if (found === undefined) throw new Error(`no registry entry for deployment '${deploymentId}'`);
      return found.facts;
    },
  });
}

function overlaidModel(entry: ModelRegistryEntry, state: Readonly<LiveRegistryState>): ModelRegistryEntry {
  const { deprecationDate: _configDate, effectiveDeprecationDate: _configEffective, ...rest } = entry;
  const dates = [state.deprecationDate, entry.providerDeprecationDate].filter((date): date is string => date !== undefined).sort();
  return {
    ...rest,
    lifecycle: state.lifecycle,
    ...(state.deprecationDate === undefined ? {} : { deprecationDate: state.deprecationDate }),
    ...(dates[0] === undefined ? {} : { effectiveDeprecationDate: dates[0] }),
  };
}
