import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InvalidRequestError } from '../../spec/errors.js';

/**
 * A set is identified by its contents, not its name: the SHA-256 of the file. Editing a case makes
 * a different set, so a gate passed on the old file no longer counts.
 */
export async function hashEvalSetFile(path: string): Promise<string> {
  let contents: Buffer;
  try {
    contents = await readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidRequestError(`eval set ${path}: cannot read it to hash it: ${reason}`);
  }
  return createHash('sha256').update(contents).digest('hex');
}

/**
 * A workload's `eval_set.path` is relative to the config file's folder, so the same config finds
 * its sets whatever the working directory. A config that was not read from a file (the embedded
 * default, a test's text) names no folder, so its sets resolve against the working directory.
 */
export function resolveEvalSetPath(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(resolve(configFile)), path);
}
