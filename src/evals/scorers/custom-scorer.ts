import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../spec/errors.js';
import { scoreResultSchema, unscored, type Scorer } from './scorer.js';

/**
 * A custom scorer module exports, as `default` or as `scorer`, either a Scorer object
 * (`{ name: string, score(input) }`) or a factory `(options) => Scorer | Promise<Scorer>`.
 */
export interface CustomScorerModule {
  default?: unknown;
  scorer?: unknown;
}

function isScorer(value: unknown): value is Scorer {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate['name'] === 'string' && candidate['name'] !== '' && typeof candidate['score'] === 'function';
}

function shapeError(modulePath: string, message: string): ConfigError {
  return new ConfigError([{ file: modulePath, path: 'export', message }]);
}

/** Keeps a custom scorer honest: a throw or an out-of-range score becomes `unscored`, never a pass. */
function guard(scorer: Scorer, modulePath: string): Scorer {
  return {
    name: scorer.name,
    async score(input) {
      let result: unknown;
      try {
        result = await scorer.score(input);
      } catch (error) {
        return unscored(`custom scorer ${scorer.name} threw: ${error instanceof Error ? error.message : String(error)}`);
      }
      const parsed = scoreResultSchema.safeParse(result);
      if (!parsed.success) {
        const problem = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
        return unscored(`custom scorer ${scorer.name} (${modulePath}) returned an invalid result: ${problem}`);
      }
      return parsed.data;
    },
  };
}

/**
 * Loads a scorer from a .ts/.js module (dynamic import; .ts needs a TypeScript-aware loader such as tsx
 * or vitest). Relative paths resolve against `baseDirectory` (the eval set's folder).
 */
export async function loadCustomScorer(
  modulePath: string,
  options: { baseDirectory?: string; scorerOptions?: Record<string, unknown> } = {},
): Promise<Scorer> {
  const absolute = isAbsolute(modulePath) ? modulePath : resolve(options.baseDirectory ?? process.cwd(), modulePath);
  let loaded: CustomScorerModule;
  try {
    loaded = (await import(pathToFileURL(absolute).href)) as CustomScorerModule;
  } catch (error) {
    throw new ConfigError([
      { file: absolute, path: '', message: `cannot import custom scorer: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  const exported = loaded.scorer ?? loaded.default;
  if (exported === undefined) {
    throw shapeError(absolute, 'expected a `default` or `scorer` export (a Scorer object or a factory function)');
  }
  let candidate: unknown = exported;
  if (typeof exported === 'function') {
    try {
      candidate = await (exported as (scorerOptions: Record<string, unknown>) => unknown)(options.scorerOptions ?? {});
    } catch (error) {
      throw shapeError(absolute, `the scorer factory threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isScorer(candidate)) {
    throw shapeError(absolute, 'expected a Scorer `{ name: string; score(input): Promise<ScoreResult> }` or a factory returning one');
  }
  return guard(candidate, absolute);
}
