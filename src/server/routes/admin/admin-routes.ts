import { Hono } from 'hono';
import { describeConfig } from '../../../core/config/resolve-config.js';
import { ConfigError } from '../../../spec/errors.js';
import type { GatewayDependencies, GatewayEnv } from '../../gateway-context.js';
import { authenticateAdmin } from '../../middleware/auth.js';
import { exchangeOf } from '../../request-context.js';
import { registerRequestLogRoutes } from './request-log-routes.js';
import { registerUsageRoutes } from './usage-routes.js';
import { registerQualityRoutes } from './quality-routes.js';
import { registerRoutingQualityRoutes } from './routing-quality-routes.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { registerRegistryStateRoutes } from './registry-state-routes.js';
import { registerRouterRoutes } from './router-routes.js';
import { registerEvalRoutes } from './eval-routes.js';
import { RegistryOverlay } from '../../../core/governance/registry-state/registry-overlay.js';
import { applyOverlay } from '../../../core/governance/registry-state/apply-registry-overlay.js';
import { registryOf } from '../../../core/governance/registry/registry-listing.js';
import { adminActor, registerGovernanceRoutes } from './governance-routes.js';
import { exposureCatalogueOf } from '../../../core/governance/exposure/exposure-catalogue.js';
import { recordReload } from '../../record-reload.js';

/** /admin: config reload and inspection. */
export function adminRoutes(dependencies: GatewayDependencies): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  admin.use('*', async (context, next) => {
    authenticateAdmin(exchangeOf(context), dependencies.holder.current.config.server.admin_key);
    await next();
  });
  admin.post('/reload', async (context) => {
    try {
      const previous = dependencies.holder.current.config;
      const runtime = await dependencies.holder.reload();
      dependencies.logger.info({ generation: runtime.generation, file: runtime.config.file }, 'config reloaded');
      await recordReload(dependencies, previous, runtime, adminActor(previous.server.admin_key));
      return context.json({ reloaded: true, generation: runtime.generation, warnings: runtime.config.warnings });
    } catch (error) {
      const issues = error instanceof ConfigError ? error.issues : [{ message: error instanceof Error ? error.message : String(error) }];
      dependencies.logger.warn({ issues }, 'config reload rejected; the previous config keeps serving');
      return context.json(
        {
          reloaded: false,
          generation: dependencies.holder.current.generation,
          error: { message: 'Config rejected; the previous config keeps serving.', type: 'invalid_request_error', code: 'config_invalid', issues },
        },
        400,
      );
    }
  });
  registerRequestLogRoutes(admin, dependencies.requestLog);
  registerUsageRoutes(admin, dependencies.requestLog);
  registerQualityRoutes(admin, { store: dependencies.evaluation, quality: dependencies.quality });
  registerRoutingQualityRoutes(admin, { store: dependencies.evaluation });
  const overlay = dependencies.registryOverlay ?? new RegistryOverlay();
  registerRegistryRoutes(admin, () => dependencies.holder.current.config, (config) => applyOverlay(registryOf(config), overlay.current()));
  registerGovernanceRoutes(admin, {
    store: dependencies.governance,
    currentConfig: () => dependencies.holder.current.config,
    catalogueOf: exposureCatalogueOf,
    ...(dependencies.driftTracker ? { driftTracker: dependencies.driftTracker } : {}),
  });
  registerRegistryStateRoutes(admin, {
    store: dependencies.governance,
    ...(dependencies.evaluation ? { evaluations: dependencies.evaluation } : {}),
    overlay,
    currentConfig: () => dependencies.holder.current.config,
    ...(dependencies.audit ? { audit: dependencies.audit } : {}),
    generation: () => dependencies.holder.current.generation,
  });
  registerRouterRoutes(admin, { currentConfig: () => dependencies.holder.current.config });
  registerEvalRoutes(admin, { store: dependencies.evaluation });
  admin.get('/health', (context) => {
    const runtime = dependencies.holder.current;
    return context.json({
      generation: runtime.generation,
      deployments: runtime.resilience.health.snapshot(),
    });
  });
  admin.get('/config', (context) =>
    context.json({ generation: dependencies.holder.current.generation, ...describeConfig(dependencies.holder.current.config) }),
  );
  return admin;
}
