import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DASHBOARD_DIRECTORY = join(ROOT, 'dist', 'ui');

function newestModification(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestModification(join(path, name))));
}

function builtAt(): number | undefined {
  try {
    return statSync(join(DASHBOARD_DIRECTORY, 'index.html')).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The browser tests run against dist/ui as `npm run build:ui` made it (CI builds it in `npm ci`
 * through `prepare`). When it is missing, or older than a file under web/ (a developer edited the
 * dashboard and ran the tests), it is rebuilt here, once, in a child process with
 * NODE_ENV=production — never on a run where it is up to date.
 */
export function ensureDashboardBuilt(): void {
  const built = builtAt();
  if (built !== undefined && built >= newestModification(join(ROOT, 'web'))) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`dist/ui is ${built === undefined ? 'missing' : 'older than ui/'} and building it failed; run \`npm run build:ui\` to see why.\n${result.stderr}`);
  }
}
