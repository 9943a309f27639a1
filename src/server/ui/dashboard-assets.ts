import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build:ui` writes the dashboard: `<package>/dist/ui`. This file sits three levels
 * below the package root both as source (`src/server/ui/`) and built (`dist/server/ui/`), so the
 * same relative path works under tsx, vitest and the published package.
 */
export const DEFAULT_DASHBOARD_DIRECTORY = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface DashboardAsset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** Vite puts a content hash in every name under `assets/`, so those may be cached for good. */
  immutable: boolean;
}

/** Whether the dashboard has been built (its `index.html` exists). */
export async function isDashboardBuilt(directory: string): Promise<boolean> {
  try {
    return (await stat(resolve(directory, 'index.html'))).isFile();
  } catch {
    return false;
  }
}

/**
 * A file of the built dashboard by its path below `/ui/` (`assets/index-3f2a.js`); `undefined`
 * when there is no such file or the path would leave the dashboard's directory.
 */
export async function readDashboardAsset(directory: string, relativePath: string): Promise<DashboardAsset | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = resolve(directory);
  const file = resolve(root, decoded === '' ? 'index.html' : decoded);
  if (!file.startsWith(root + sep)) return undefined;
  try {
    if (!(await stat(file)).isFile()) return undefined;
    const body = await readFile(file);
    return {
      body,
      contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      immutable: file.startsWith(resolve(root, 'assets') + sep),
    };
  } catch {
    return undefined;
  }
}
