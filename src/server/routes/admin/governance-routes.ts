import type { Hono } from 'hono';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import { LOCAL_ACTOR } from '../../../core/governance/audit/audit-entry.js';
import type { DriftTracker } from '../../../core/governance/drift/drift-tracker.js';
import type { ListSightingsFilter } from '../../../core/governance/drift/model-version-sighting.js';
import { queryExposure } from '../../../core/governance/exposure/compute-exposure.js';
import { parseExposureDays, type ExposureCatalogue } from '../../../core/governance/exposure/exposure-catalogue.js';
import { EXPOSURE_TARGET_KINDS, resolveExposureTarget } from '../../../core/governance/exposure/exposure-target.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import type { GovernanceStore } from '../../../store/governance/kysely-governance-store.js';
import { parseUsageTime } from '../../../store/usage-query.js';
import type { GatewayEnv } from '../../gateway-context.js';

export interface GovernanceRouteDependencies {
  /** The governance tables; absent when the request log (and so the database) is off. */
  store: GovernanceStore | undefined;
  /** The config in force (it changes on reload). */
  currentConfig: () => ResolvedConfig;
  /** The registry's and policy engine's view of a config; cache it per config, it is asked on every call. */
  catalogueOf: (config: ResolvedConfig) => ExposureCatalogue;
  /** Answers `/registry/drift` from memory when there is no store. */
  driftTracker?: DriftTracker;
  now?: () => number;
}

const MAX_LIMIT = 1000;

/**
 * GET /admin/registry/exposure?model=|provider=|license=&days=7 — who depends on a model,
 * provider or licence and how much of their traffic and cost it carries.
 * GET /admin/registry/drift?deployment=&since=&drift_only=true&limit= — model-version sightings.
 * GET /admin/audit?since=&action=&limit= — the audit log, newest first.
 * Mounted on the admin app, behind its admin-key check.
 */
export function registerGovernanceRoutes(admin: Hono<GatewayEnv>, dependencies: GovernanceRouteDependencies): void {
  const now = dependencies.now ?? Date.now;

  admin.get('/registry/exposure', async (context) => {
    const given = EXPOSURE_TARGET_KINDS.flatMap((kind) => {
      const value = context.req.query(kind);
      return value === undefined ? [] : [{ kind, value }];
    });
    if (given.length !== 1) {
      throw new InvalidRequestError(`Give exactly one of ${EXPOSURE_TARGET_KINDS.join(', ')} (e.g. ?model=gpt-4o).`, { param: EXPOSURE_TARGET_KINDS.join('|') });
    }
    const { kind, value } = given[0]!;
    const days = parseExposureDays(context.req.query('days'), 'days');
    const catalogue = dependencies.catalogueOf(dependencies.currentConfig());
    const target = resolveExposureTarget(value, kind, catalogue.deployments, kind);
    return context.json(await queryExposure(requireStore(dependencies.store), { target, days, now: now(), ...catalogue }));
  });

  admin.get('/registry/drift', async (context) => {
    const filter: ListSightingsFilter = { limit: parseLimit(context.req.query('limit')) };
    const since = context.req.query('since');
    if (since !== undefined) filter.since = parseUsageTime(since, 'since', now());
    const deployment = context.req.query('deployment');
    if (deployment !== undefined) filter.deployment = deployment;
    const driftOnly = parseBoolean(context.req.query('drift_only'), 'drift_only');
    if (driftOnly) filter.driftOnly = true;
    if (dependencies.store !== undefined) return context.json({ sightings: await dependencies.store.listSightings(filter) });
    const inMemory = [...(dependencies.driftTracker?.sightings() ?? [])]
      .filter((sighting) => (filter.since === undefined || sighting.firstSeen >= filter.since) && (deployment === undefined || sighting.deployment === deployment))
      .filter((sighting) => !driftOnly || sighting.drift !== undefined)
      .reverse()
      .slice(0, filter.limit);
    return context.json({ sightings: inMemory });
  });

  admin.get('/audit', async (context) => {
    const since = context.req.query('since');
    const action = context.req.query('action');
    const entries = await requireStore(dependencies.store).listAudit({
      limit: parseLimit(context.req.query('limit')),
      ...(since === undefined ? {} : { since: parseUsageTime(since, 'since', now()) }),
      ...(action === undefined ? {} : { action }),
    });
    return context.json({ entries });
  });
}

/**
 * Who made an admin request, for the audit log: `admin` when `server.admin_key` is set (the only
 * admin key, so it names it), `local` for a loopback admin without one.
 */
export function adminActor(adminKey: string | undefined): string {
  return adminKey === undefined || adminKey === '' ? LOCAL_ACTOR : 'admin';
}

function requireStore(store: GovernanceStore | undefined): GovernanceStore {
  if (store === undefined) throw new InvalidRequestError('The request log is off (request_log.enabled: false), so there is no governance database.', { code: 'request_log_disabled' });
  return store;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 100;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > MAX_LIMIT) throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}; got '${text}'.`, { param: 'limit' });
  return limit;
}

function parseBoolean(text: string | undefined, param: string): boolean {
  if (text === undefined || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1' || text === '') return true;
  throw new InvalidRequestError(`${param} must be true or false; got '${text}'.`, { param });
}
