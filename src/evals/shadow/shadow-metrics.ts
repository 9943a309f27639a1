import { Counter, type Registry } from 'prom-client';
import type { ShadowOutcome } from '../../core/evaluation/evaluation-records.js';

export const EVALUATION_COST_METRIC = 'switchyard_evaluation_cost_usd_total';
const SHADOW_PAIRS_METRIC = 'switchyard_shadow_pairs_total';

/**
 * The evaluation cost counter of a registry, created on first use. The online judge counts
 * `kind="judge"` and the shadow runner `kind="shadow"` on the same metric, and a registry takes a
 * name once: whichever asks first creates it, the other gets that one.
 */
export function evaluationCostCounter(registry: Registry): Counter<'workload' | 'kind'> {
  return counterOf(registry, {
    name: EVALUATION_COST_METRIC,
    help: 'Spend on background evaluation in US dollars, by kind: judge (online judging) or shadow (the other tier and its pairwise judge).',
    labelNames: ['workload', 'kind'],
  });
}

/** Shadow pairs and what they cost, on the gateway's registry. Labels are config names and fixed words. */
export class ShadowMetrics {
  readonly #pairs: Counter<'workload' | 'served' | 'outcome'>;
  readonly #cost: Counter<'workload' | 'kind'>;

  constructor(registry: Registry) {
    this.#pairs = counterOf(registry, {
      name: SHADOW_PAIRS_METRIC,
      help: 'Shadow pairs judged, by the tier the client got (cheap or strong) and the verdict: strong_better, tie, cheap_better or unjudged.',
      labelNames: ['workload', 'served', 'outcome'],
    });
    this.#cost = evaluationCostCounter(registry);
  }

  recordPair(workload: string, served: 'cheap' | 'strong', outcome: ShadowOutcome, costUsd: number | undefined): void {
    this.#pairs.inc({ workload, served, outcome });
    if (costUsd !== undefined && costUsd > 0) this.#cost.inc({ workload, kind: 'shadow' }, costUsd);
  }
}

function counterOf<Label extends string>(registry: Registry, definition: { name: string; help: string; labelNames: Label[] }): Counter<Label> {
  const existing = registry.getSingleMetric(definition.name);
  if (existing instanceof Counter) return existing as Counter<Label>;
  if (existing !== undefined) throw new TypeError(`metric ${definition.name} is registered, but not as a counter`);
  return new Counter({ ...definition, registers: [registry] });
}
