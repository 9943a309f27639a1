import type { Hono } from 'hono';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import { declaredUseOf } from '../../../core/governance/registry/declared-use.js';
import { checkRegistry } from '../../../core/governance/registry/registry-check.js';
import { describeRegistry, registryOf } from '../../../core/governance/registry/registry-listing.js';
import type { Registry } from '../../../core/governance/registry/resolve-registry.js';
import { workloadUsage } from '../../../core/governance/registry/workload-usage.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import type { GatewayEnv } from '../../gateway-context.js';

/** Default horizon of the check: the same as `switchyard registry check`. */
const DEFAULT_WITHIN_DAYS = 30;

/**
 * GET /admin/registry — every model and deployment with its pin, openness, licence terms, data
 * terms, owner, lifecycle, deprecation, lineage (stale flag) and the workloads that use it, and how.
 *
 * GET /admin/registry/check?within_days=30 — the `registry check` report (200 either way; `ok`
 * says whether it passed).
 *
 * Both read the config serving now, so a reload shows at once.
 */
export function registerRegistryRoutes(
  admin: Hono<GatewayEnv>,
  currentConfig: () => ResolvedConfig,
  /** The registry to show: config's, with the live state (admin lifecycle changes) laid over it. */
  registryView: (config: ResolvedConfig) => Registry = registryOf,
): void {
  admin.get('/registry', (context) => {
    const config = currentConfig();
    return context.json(describeRegistry(registryView(config), config));
  });

  admin.get('/registry/check', (context) => {
    const config = currentConfig();
    const raw = context.req.query('within_days');
    const withinDays = raw === undefined ? DEFAULT_WITHIN_DAYS : Number(raw);
    if (raw !== undefined && (!/^\d+$/.test(raw) || !Number.isSafeInteger(withinDays))) {
      throw new InvalidRequestError(`within_days: expected a whole number of days (0 or more), got '${raw}'`, { param: 'within_days' });
    }
    const report = checkRegistry(registryView(config), workloadUsage(config), {
      withinDays,
      now: new Date(),
      declaredUse: (workload) => declaredUseOf(config.workloads[workload]),
    });
    return context.json(report);
  });
}
