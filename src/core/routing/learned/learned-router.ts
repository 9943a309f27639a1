import type { Router, RouteDecision, RoutingContext } from '../router.js';
import type { LearnedRouterModel } from './learned-router-model.js';
import { routerInputFromCall } from './router-input.js';

export interface LearnedRouterOptions {
  weak: string;
  strong: string;
  /** Score above it → strong. Defaults to the artifact's calibrated threshold. */
  threshold?: number;
  /** Scores inside [lo, hi] run a cascade (weak first, checked, then strong) instead of a direct pick. */
  cascadeBetween?: readonly [number, number];
}

function formatScore(value: number): string {
  return value.toFixed(2);
}

/**
 * The gateway-side learned router: scores the request's user text and sends it to the strong or the
 * weak model, or into a weak→strong cascade when the score is too close to call. Always decides,
 * unless it reads prompt embeddings and the request's did not arrive (then the next router does).
 */
export function createLearnedRouter(model: LearnedRouterModel, options: LearnedRouterOptions): Router {
  const threshold = options.threshold ?? model.artifact.threshold;
  const { weak, strong } = options;
  const band = options.cascadeBetween;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`learned router threshold must be in [0,1], got ${threshold}`);
  if (band !== undefined && !(band[0] < band[1])) throw new RangeError(`cascade_between must be [lo, hi] with lo < hi, got [${band.join(', ')}]`);
  return {
    name: 'learned',
    decide(context: RoutingContext): RouteDecision | undefined {
      const input = routerInputFromCall(context.call);
      if (model.embedder !== undefined) {
        // No embedding in time (or the encoder failed): step aside rather than guess without it.
        if (context.promptEmbedding === undefined) return undefined;
        input.embedding = context.promptEmbedding;
      }
      const score = model.score(input);
      if (band !== undefined && score >= band[0] && score <= band[1]) {
        return {
          kind: 'cascade',
          tiers: [weak, strong],
          router: 'learned',
          reason: `learned score ${formatScore(score)} in cascade band [${formatScore(band[0])}, ${formatScore(band[1])}] → ${weak} then ${strong}`,
          score,
        };
      }
      const toStrong = score > threshold;
      return {
        kind: 'models',
        models: [toStrong ? strong : weak],
        router: 'learned',
        reason: `learned score ${formatScore(score)} ${toStrong ? '>' : '<='} ${formatScore(threshold)} → ${toStrong ? strong : weak}`,
        score,
      };
    },
  };
}
