import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_YAML } from '../core/config/default-config.js';
import { loadConfigFile, loadConfigText } from '../core/config/load-config.js';
import type { ResolvedConfig } from '../core/config/resolve-config.js';

export const EMBEDDED_CONFIG_NAME = '(embedded default config)';

/** Finds the config: --config, then SWITCHYARD_CONFIG, then ./switchyard.yaml, then the embedded default. */
export async function loadConfigForCli(flag: string | undefined): Promise<{ config: ResolvedConfig; file?: string }> {
  const explicit = flag ?? process.env.SWITCHYARD_CONFIG;
  if (explicit) {
    const file = resolve(explicit);
    return { config: await loadConfigFile(file), file };
  }
  const local = resolve('switchyard.yaml');
  if (await exists(local)) return { config: await loadConfigFile(local), file: local };
  return { config: loadConfigText(DEFAULT_CONFIG_YAML, EMBEDDED_CONFIG_NAME) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
