import { z } from 'zod';

/** A workload's `routing.learned` block: which trained router to load and how to act on its score. */
export const learnedRouterConfigSchema = z
  .object({
    /** Path of the router artifact (`switchyard router train --out`), relative to the config file. */
    artifact: z.string().min(1),
    /** Logical model for prompts the router thinks the cheap model can answer. */
    weak: z.string().min(1),
    /** Logical model for the rest. */
    strong: z.string().min(1),
    /** Score above it → strong; overrides the threshold calibrated into the artifact. */
    threshold: z.number().min(0).max(1).optional(),
    /** Scores in [lo, hi] cascade weak → strong (the weak answer is checked before it is accepted). */
    cascade_between: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
      .refine(([low, high]) => low < high, 'expected [lo, hi] with lo < hi')
      .optional(),
    /**
     * For a router trained with prompt embeddings: how long a request waits for its prompt's
     * embedding before the learned router steps aside (the next router, the cascade or the
     * workload's route decides, and the record says why). Default 500 ms.
     */
    embedding_timeout_ms: z.number().int().positive().max(60_000).optional(),
  })
  .strict();

export type LearnedRouterConfig = z.infer<typeof learnedRouterConfigSchema>;
