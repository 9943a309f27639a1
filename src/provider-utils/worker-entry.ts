import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The URL to start a worker thread from: `<name>.js` beside the calling module once built, or, when
 * running from TypeScript sources (tests, tsx), a bootstrap that registers tsx's loader in the
 * worker first — a worker does not inherit the parent's loader hooks.
 */
export function workerEntry(name: string, callerUrl: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${name}.js`, callerUrl);
  // tsx's ESM entry (its `import` export of `tsx/esm/api`); require.resolve would give the CommonJS one.
  const tsxDirectory = dirname(createRequire(callerUrl).resolve('tsx/package.json'));
  const loader = pathToFileURL(join(tsxDirectory, 'dist/esm/api/index.mjs')).href;
  const target = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import { register } from ${JSON.stringify(loader)}; register(); await import(${JSON.stringify(target)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}
