import { loadConfigFile } from '../config/load-config.js';
import { buildGatewayRuntime, type GatewayRuntime } from './gateway-runtime.js';

/**
 * Holds the live runtime and swaps it atomically on reload. A request reads `current` once at its
 * start, so in-flight requests finish on the config they began with; a config that fails to load
 * or build leaves the old one serving.
 */
export class RuntimeHolder {
  private runtime: GatewayRuntime;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    runtime: GatewayRuntime,
    private readonly configFile: string | undefined,
  ) {
    this.runtime = runtime;
  }

  get current(): GatewayRuntime {
    return this.runtime;
  }

  /** Reloads the config file. Rejects with ConfigError (the old runtime stays) when it is invalid. */
  reload(): Promise<GatewayRuntime> {
    const next = this.pending.then(async () => {
      if (!this.configFile) throw new Error('the gateway was started without a config file; nothing to reload');
      const config = await loadConfigFile(this.configFile);
      const runtime = buildGatewayRuntime(config, this.runtime.generation + 1);
      this.runtime = runtime;
      return runtime;
    });
    this.pending = next.catch(() => undefined);
    return next;
  }
}
