import { z } from 'zod';
import { cascadeConfigSchema, type CascadeConfig } from './cascade/cascade-config.js';
import { learnedRouterConfigSchema, type LearnedRouterConfig } from './learned/learned-config.js';
import type { RouterArtifact } from './learned/router-artifact.js';
import { routingRulesSchema, type RoutingRule } from './rules/rules-config.js';

/**
 * `workloads.<name>.routing`: how the workload's requests pick a model. Routers run in a fixed
 * order — `rules`, then `learned` — and the first that decides wins; when neither decides, a
 * configured `cascade` runs, else the workload's `route.model`. A rule or the learned router may
 * also hand a request to the cascade (`cascade: true`, `cascade_between`).
 *
 * ```yaml
 * routing:
 *   rules:
 *     - { name: tools, when: { has: [tools] }, model: gpt-4o }
 *   learned: { artifact: routers/support.json, weak: llama-8b, strong: gpt-4o, cascade_between: [0.35, 0.6] }
 *   cascade: { tiers: [llama-8b, gpt-4o], checks: [refusal, { judge: { model: gpt-4o-mini, min_score: 7 } }] }
 * ```
 */
export const workloadRoutingSchema = z
  .object({
    rules: routingRulesSchema.optional(),
    learned: learnedRouterConfigSchema.optional(),
    cascade: cascadeConfigSchema.optional(),
  })
  .strict();

export type WorkloadRoutingConfig = z.output<typeof workloadRoutingSchema>;

/** A workload's routing after config resolution: the learned router's artifact loaded and validated. */
export interface ResolvedWorkloadRouting {
  rules?: readonly RoutingRule[];
  learned?: LearnedRouterConfig & { artifactPath: string; loaded: RouterArtifact };
  cascade?: CascadeConfig;
}
