import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Debian's chromium (or another Chromium), for playwright-core: `CHROMIUM_PATH` if set, else
 * `chromium` or `chromium-browser` on PATH. Undefined when there is none (the tests then skip).
 */
export function findChromium(): string | undefined {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : (process.env.PATH ?? '').split(delimiter).flatMap((directory) => ['chromium', 'chromium-browser'].map((name) => join(directory, name)));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
