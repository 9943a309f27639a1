import type { ResolvedConfig } from '../core/config/resolve-config.js';
import { versionPins } from '../core/governance/drift/drift-tracker.js';
import type { GatewayRuntime } from '../core/registry/gateway-runtime.js';
import type { GatewayDependencies } from './gateway-context.js';

/**
 * After a reload (admin endpoint or SIGHUP): the audit log gets what changed, and drift tracking
 * the new pins. A failed audit write is logged, not thrown: the new config is already serving.
 */
export async function recordReload(
  dependencies: Pick<GatewayDependencies, 'audit' | 'driftTracker' | 'logger'>,
  previous: ResolvedConfig,
  runtime: GatewayRuntime,
  actor: string,
): Promise<void> {
  dependencies.driftTracker?.updatePins(versionPins(runtime.config));
  try {
    await dependencies.audit?.configReloaded({ actor, file: runtime.config.file, previous, next: runtime.config, generation: runtime.generation });
  } catch (error) {
    dependencies.logger.warn({ err: error }, 'audit log: could not record the config reload');
  }
}
