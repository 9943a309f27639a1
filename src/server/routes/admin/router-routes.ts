import type { Hono } from 'hono';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import { listLearnedRouters } from '../../../core/routing/learned/learned-router-listing.js';
import type { GatewayEnv } from '../../gateway-context.js';

export interface RouterRouteDependencies {
  /** The config in force (it changes on reload). */
  currentConfig: () => ResolvedConfig;
}

/**
 * GET /admin/routing/routers — every workload's learned router: its weak and strong models, the
 * threshold in force, the artifact it loaded (path, when and on what data it was trained) and the
 * cost–quality curve its threshold was calibrated on (null for artifacts trained before the curve
 * was recorded), for the dashboard to draw with the threshold marked.
 * Mounted on the admin app, behind its admin-key check. Reads the config serving now, so a reload
 * (which reloads the artifacts) shows at once.
 */
export function registerRouterRoutes(admin: Hono<GatewayEnv>, dependencies: RouterRouteDependencies): void {
  admin.get('/routing/routers', (context) => context.json(listLearnedRouters(dependencies.currentConfig().workloads)));
}
