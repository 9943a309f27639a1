import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../registry/registry-check.js';
import { describeRegistry } from '../registry/registry-listing.js';
import { testFleet } from '../registry/registry-test-fleet.js';
import { resolveRegistry } from '../registry/resolve-registry.js';
import { workloadUsage } from '../registry/workload-usage.js';
import { applyOverlay } from './apply-registry-overlay.js';
import { lifecycleChangeSchema } from './lifecycle-change.js';
import { loadRegistryOverlay, refreshRegistryOverlay, RegistryOverlay, type RegistryOverlaySnapshot } from './registry-overlay.js';
import type { RegistryStateEntry } from './registry-state-entry.js';

const T = Date.UTC(2025, 5, 1);
const fleet = testFleet();
const registry = resolveRegistry(fleet);

function state(model: string, lifecycle: RegistryStateEntry['lifecycle'], extra: Partial<RegistryStateEntry> = {}): RegistryStateEntry {
  return { model, lifecycle, reason: `set ${model}`, actor: 'admin', updatedAt: T, ...extra };
}

describe('RegistryOverlay', () => {
  it('increases the version on every change and publishes a new immutable snapshot to subscribers', () => {
    const overlay = new RegistryOverlay();
    const first = overlay.current();
    expect(first.version).toBe(0);
    expect(first.states.size).toBe(0);
    const heard: Array<[number, number]> = [];
    const unsubscribe = overlay.subscribe((next, previous) => heard.push([previous.version, next.version]));

    overlay.set(state('gpt-4o', 'retired'));
    const second = overlay.current();
    // Setting the same value again is still a change (a new reason, actor, time): versions only go up.
    overlay.set(state('gpt-4o', 'retired', { updatedAt: T + 1 }));
    expect(overlay.current().version).toBe(2);
    expect(heard).toEqual([
      [0, 1],
      [1, 2],
    ]);
    // Earlier snapshots are untouched by later changes.
    expect(first.states.size).toBe(0);
    expect(second.states.get('gpt-4o')?.updatedAt).toBe(T);
    expect(Object.isFrozen(second)).toBe(true);
    expect(Object.isFrozen(second.states.get('gpt-4o'))).toBe(true);

    unsubscribe();
    overlay.set(state('claude', 'candidate'));
    expect(heard).toHaveLength(2);
  });

  it('replaceAll publishes only when the store holds something different', () => {
    const overlay = new RegistryOverlay();
    overlay.replaceAll([state('gpt-4o', 'retired')]);
    const loaded = overlay.current();
    expect(loaded.version).toBe(1);
    expect(overlay.replaceAll([state('gpt-4o', 'retired')])).toBe(loaded);
    expect(overlay.replaceAll([state('gpt-4o', 'retired', { reason: 'other' })]).version).toBe(2);
    expect(overlay.replaceAll([]).states.size).toBe(0);
    expect(overlay.current().version).toBe(3);
  });

  it('tells every listener even when one throws, then reports the error', () => {
    const overlay = new RegistryOverlay();
    const heard: number[] = [];
    overlay.subscribe(() => {
      throw new Error('listener failed');
    });
    overlay.subscribe((next) => heard.push(next.version));
    expect(() => overlay.set(state('gpt-4o', 'retired'))).toThrow('listener failed');
    expect(heard).toEqual([1]);
    expect(overlay.current().states.get('gpt-4o')?.lifecycle).toBe('retired');
  });

  it('loads from the store at start-up and refreshes from it', async () => {
    let rows = [state('gpt-4o', 'deprecated', { deprecationDate: '2025-07-01' })];
    const store = { listRegistryState: async () => rows };
    const overlay = await loadRegistryOverlay(store);
    expect(overlay.current()).toMatchObject({ version: 1 });
    expect(overlay.current().states.get('gpt-4o')).toEqual({ lifecycle: 'deprecated', deprecationDate: '2025-07-01', reason: 'set gpt-4o', actor: 'admin', updatedAt: T });
    expect(await refreshRegistryOverlay(overlay, store)).toBe(false);
    rows = [...rows, state('claude', 'retired')];
    expect(await refreshRegistryOverlay(overlay, store)).toBe(true);
    expect(overlay.current().version).toBe(2);
    expect((await loadRegistryOverlay({ listRegistryState: async () => [] })).current().version).toBe(0);
  });
});

describe('applyOverlay', () => {
  it('reports a lifecycle retired through the overlay in the model entry, every deployment and factsFor', () => {
    expect(registry.factsFor('openai/gpt-4o-2024-08-06').lifecycle).toBe('approved');
    const overlay = new RegistryOverlay();
    overlay.set(state('gpt-4o', 'retired'));
    const view = applyOverlay(registry, overlay);
    expect(view.models['gpt-4o']?.lifecycle).toBe('retired');
    expect(view.factsFor('openai/gpt-4o-2024-08-06').lifecycle).toBe('retired');
    expect(view.deployments['openai/gpt-4o-2024-08-06']?.facts.lifecycle).toBe('retired');
    expect(view.live['gpt-4o']).toMatchObject({ lifecycle: 'retired', reason: 'set gpt-4o' });
    // Other models, and the registry from config, are untouched.
    expect(view.models.claude).toBe(registry.models.claude);
    expect(view.factsFor('claude-eu').lifecycle).toBe('approved');
    expect(registry.factsFor('openai/gpt-4o-2024-08-06').lifecycle).toBe('approved');
    expect(() => view.factsFor('nowhere')).toThrow(/no registry entry for deployment 'nowhere'/);
    expect(view.issues).toBe(registry.issues);
    expect(view.licenses).toBe(registry.licenses);
  });

  it('feeds registry check and listing: live state wins over config', () => {
    const fleetFromConfig = testFleet();
    const candidateFleet = { ...fleetFromConfig, models: { ...fleetFromConfig.models, claude: { ...fleetFromConfig.models.claude!, registry: { license: 'anthropic-api', lifecycle: 'candidate' as const } } } };
    const base = resolveRegistry(candidateFleet);
    const findings = (view: typeof base) =>
      checkRegistry(view, workloadUsage(candidateFleet), { withinDays: 30, now: new Date(T), declaredUse: () => ({ commercial: true, monthlyActiveUsers: 50_000 }) }).findings.map(
        (finding) => `${finding.kind} ${finding.model}`,
      );
    expect(findings(base)).toEqual(['unapproved claude']);

    const overlay = new RegistryOverlay();
    overlay.set(state('gpt-4o', 'retired'));
    overlay.set(state('claude', 'approved', { reason: 'evaluation passed' }));
    const view = applyOverlay(base, overlay.current());
    expect(findings(view)).toEqual(['retired gpt-4o', 'retired gpt-4o']);
    const listing = describeRegistry(view, candidateFleet);
    expect(listing.models.find((model) => model.name === 'gpt-4o')?.lifecycle).toBe('retired');
    expect(listing.models.find((model) => model.name === 'claude')?.lifecycle).toBe('approved');
    expect(listing.deployments.find((deployment) => deployment.model === 'gpt-4o')?.lifecycle).toBe('retired');
  });

  it('replaces the team deprecation date and recomputes the effective one, keeping the provider date', () => {
    const fleetFromConfig = testFleet();
    const qwen = {
      ...fleetFromConfig.models['qwen-72b']!,
      registry: { license: 'qwen', lifecycle: 'deprecated' as const, deprecation_date: '2025-12-01', provider_deprecation_date: '2025-10-01' },
    };
    const base = resolveRegistry({ ...fleetFromConfig, models: { ...fleetFromConfig.models, 'qwen-72b': qwen } });
    expect(base.models['qwen-72b']?.effectiveDeprecationDate).toBe('2025-10-01');
    const overlay = new RegistryOverlay();
    overlay.set(state('qwen-72b', 'deprecated', { deprecationDate: '2025-07-01' }));
    expect(applyOverlay(base, overlay).models['qwen-72b']).toMatchObject({ deprecationDate: '2025-07-01', providerDeprecationDate: '2025-10-01', effectiveDeprecationDate: '2025-07-01' });
    // Approved again without a date: config's team date no longer applies; the provider's still does.
    overlay.set(state('qwen-72b', 'approved'));
    const approved = applyOverlay(base, overlay).models['qwen-72b']!;
    expect(approved.lifecycle).toBe('approved');
    expect(approved.deprecationDate).toBeUndefined();
    expect(approved.effectiveDeprecationDate).toBe('2025-10-01');
  });

  it('keeps a state for a model no longer in config out of the view and lists it as orphaned', () => {
    const overlay = new RegistryOverlay([state('removed-model', 'retired'), state('gpt-4o', 'candidate')]);
    const view = applyOverlay(registry, overlay);
    expect(view.orphaned).toEqual(['removed-model']);
    expect(view.models['removed-model']).toBeUndefined();
    expect(Object.keys(view.live)).toEqual(['gpt-4o']);
    expect(overlay.current().states.has('removed-model')).toBe(true);
  });

  it('returns the same view for the same registry and snapshot, a new one after a change, and never stacks overlays', () => {
    const overlay = new RegistryOverlay();
    overlay.set(state('gpt-4o', 'retired'));
    const first = applyOverlay(registry, overlay);
    expect(applyOverlay(registry, overlay.current())).toBe(first);
    expect(first.overlayVersion).toBe(1);
    overlay.set(state('gpt-4o', 'approved'));
    const second = applyOverlay(registry, overlay);
    expect(second).not.toBe(first);
    expect(second.overlayVersion).toBe(2);
    expect(second.factsFor('openai/gpt-4o-2024-08-06').lifecycle).toBe('approved');
    // Applying over a view starts from its config registry: a state dropped from the overlay is gone.
    const empty: RegistryOverlaySnapshot = new RegistryOverlay().current();
    const cleared = applyOverlay(first, empty);
    expect(cleared.base).toBe(registry);
    expect(cleared.models['gpt-4o']?.lifecycle).toBe('approved');
  });
});

describe('lifecycleChangeSchema', () => {
  it('requires a date for deprecated, a reason, a known lifecycle and no unknown keys', () => {
    const issues = (body: unknown) => {
      const result = lifecycleChangeSchema.safeParse(body);
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.') || issue.code);
    };
    expect(issues({ lifecycle: 'deprecated', deprecation_date: '2025-09-30', reason: 'provider notice' })).toEqual([]);
    expect(issues({ lifecycle: 'retired', reason: 'incident' })).toEqual([]);
    expect(issues({ lifecycle: 'deprecated', reason: 'provider notice' })).toEqual(['deprecation_date']);
    expect(issues({ lifecycle: 'deprecated', deprecation_date: '2025-02-30', reason: 'x' })).toEqual(['deprecation_date']);
    expect(issues({ lifecycle: 'sunset', reason: 'x' })).toEqual(['lifecycle']);
    expect(issues({ lifecycle: 'retired', reason: '  ' })).toEqual(['reason']);
    expect(issues({ lifecycle: 'retired', reason: 'x', actor: 'me' })).toEqual(['unrecognized_keys']);
  });
});
