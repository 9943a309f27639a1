import { InvalidRequestError } from '../../spec/errors.js';
import { createPointwiseJudge } from '../judges/pointwise-judge.js';
import type { AskModel } from '../judges/judge-types.js';
import { loadCustomScorer } from './custom-scorer.js';
import { createJsonSchemaScorer } from './json-schema-scorer.js';
import { createNumericScorer } from './numeric-scorer.js';
import type { Scorer } from './scorer.js';
import { scorerSpecSchema, type ScorerSpec, type ScorerSpecInput } from './scorer-spec.js';
import { createContainsScorer, createExactScorer, createRegexScorer } from './text-scorers.js';

export interface ScorerContext {
  /** Folder relative custom-scorer paths resolve against (the eval set's folder). */
  baseDirectory?: string;
  /** Needed only for `judge` scorers. */
  judge?: { ask: AskModel; model: string; malformedRetries?: number };
}

/** Builds a scorer from a spec; the one place that switches on `type`. */
export async function createScorer(spec: ScorerSpec | ScorerSpecInput, context: ScorerContext = {}): Promise<Scorer> {
  const parsed = scorerSpecSchema.parse(spec);
  switch (parsed.type) {
    case 'exact':
      return createExactScorer(parsed);
    case 'contains':
      return createContainsScorer(parsed);
    case 'regex':
      return createRegexScorer(parsed);
    case 'json_schema':
      return createJsonSchemaScorer(parsed);
    case 'numeric':
      return createNumericScorer(parsed);
    case 'custom': {
      const options: { baseDirectory?: string; scorerOptions?: Record<string, unknown> } = {};
      if (context.baseDirectory !== undefined) options.baseDirectory = context.baseDirectory;
      if (parsed.options !== undefined) options.scorerOptions = parsed.options;
      return loadCustomScorer(parsed.module, options);
    }
    case 'judge': {
      if (context.judge === undefined) {
        throw new InvalidRequestError('a `judge` scorer needs a judge model; pass one to the runner', { param: 'scorer.model' });
      }
      return createPointwiseJudge({
        ...context.judge,
        model: parsed.model ?? context.judge.model,
        ...(parsed.rubric === undefined ? {} : { rubric: parsed.rubric }),
      });
    }
    default: {
      const exhaustive: never = parsed;
      throw new InvalidRequestError(`unknown scorer ${JSON.stringify(exhaustive)}`);
    }
  }
}

/**
 * Resolves each case's scorer: the case's own `scorer` override, else the set default. Identical specs
 * share one instance so custom modules are imported and schemas compiled once.
 */
export function createScorerResolver(defaultSpec: ScorerSpec | ScorerSpecInput, context: ScorerContext = {}) {
  const cache = new Map<string, Promise<Scorer>>();
  return (caseSpec: ScorerSpec | undefined): Promise<Scorer> => {
    const spec = caseSpec ?? defaultSpec;
    const key = JSON.stringify(spec);
    let scorer = cache.get(key);
    if (scorer === undefined) {
      scorer = createScorer(spec, context);
      cache.set(key, scorer);
    }
    return scorer;
  };
}
