import { z } from 'zod';

const probability = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();

/** A judge model and what it should look for. */
const judgeSchema = z
  .object({
    /** A logical model of this config; its calls are restricted by the workload's data policy. */
    model: z.string().min(1),
    /** What a good answer looks like for this workload, added to the judge's instructions. */
    rubric: z.string().min(1).optional(),
    /** Cap on the judge's reply (its reasoning and verdict). */
    max_output_tokens: positiveInt.default(512),
  })
  .strict();

/**
 * Per workload: `workloads.<name>.evaluation`. Everything here runs off the request path: sampled
 * requests are judged (and shadowed) in the background after the client has its answer.
 */
export const workloadEvaluationSchema = z
  .object({
    /**
     * The workload's eval set (JSONL, see `switchyard eval run`): the evidence a model, version,
     * quantized or fine-tuned variant needs before it can be approved for this workload.
     */
    eval_set: z
      .object({
        path: z.string().min(1),
        /** Default scorer of cases without their own: a type name or an object, as `eval run --scorer`. */
        scorer: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).default('exact'),
        /** Judge model for `judge` scorers. */
        judge_model: z.string().min(1).optional(),
        /** The gate a candidate must pass against the workload's current model. */
        gate: z
          .object({
            max_drop: z.number().min(0).max(1).default(0.01),
            confidence: z.number().gt(0.5).lt(1).default(0.95),
            mode: z.enum(['regression', 'non-inferiority']).default('regression'),
          })
          .strict()
          .prefault({}),
        /** Re-run the set when a model this workload uses reports a new version (drift). */
        rerun_on_drift: z.boolean().default(true),
      })
      .strict()
      .optional(),
    /** LLM-as-judge on a share of live traffic: each sampled answer is rated 1–10 by `judge`. */
    online: z
      .object({
        sample_rate: probability,
        judge: judgeSchema,
      })
      .strict()
      .optional(),
    /**
     * Router quality: for a share of requests that a cascade or learned router sent to one tier,
     * the other tier answers too (in the background) and a judge compares the pair, both orders.
     */
    shadow: z
      .object({
        sample_rate: probability,
        judge: judgeSchema,
      })
      .strict()
      .optional(),
    /**
     * May good answers of this workload be exported as fine-tuning data
     * (`switchyard export finetune`)? Off for workloads whose data must not train models.
     */
    finetune_export: z.boolean().default(true),
  })
  .strict();

/** Top level: `evaluation`: how background evaluation runs and when a quality drop raises an alert. */
export const evaluationConfigSchema = z
  .object({
    /** Judge and shadow calls in flight at once, across workloads. */
    concurrency: positiveInt.default(2),
    /** Sampled requests waiting for a judge; beyond this, new samples are dropped (and counted), never the request. */
    max_queue: positiveInt.default(1000),
    /**
     * After a model first reports a new version, wait this long before re-running its workloads'
     * eval sets, so a burst of drift (several deployments, fingerprints) makes one run.
     */
    drift_rerun_debounce_ms: z.number().int().min(0).default(60_000),
    /** Rolling quality: a recent window is compared with the baseline window just before it. */
    quality: z
      .object({
        window_minutes: positiveInt.default(60),
        baseline_hours: positiveInt.default(24),
        /** Judged samples needed in each window before a drop can be called. */
        min_samples: positiveInt.default(30),
        /** Significance level of the drop test (one-sided). */
        alpha: z.number().gt(0).lt(0.5).default(0.01),
        /** Smallest drop of the mean score (0–1 scale) worth an alert. */
        min_drop: z.number().min(0).max(1).default(0.05),
        /** An alert for the same workload and model is not repeated within this time. */
        cooldown_minutes: positiveInt.default(60),
      })
      .strict()
      .prefault({}),
    /** Alerts (quality drops, failing drift re-runs) are logged, counted in metrics and POSTed here as JSON. */
    alert_webhook: z
      .object({
        url: z.url(),
        /** Extra headers, e.g. an authorization token (`${ENV}` interpolation applies). */
        headers: z.record(z.string(), z.string()).default({}),
        timeout_ms: positiveInt.default(5000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type WorkloadEvaluationConfig = z.output<typeof workloadEvaluationSchema>;
export type EvaluationConfig = z.output<typeof evaluationConfigSchema>;
export type JudgeConfig = z.output<typeof judgeSchema>;

/** The defaults, for configs built by hand (tests) and configs without an `evaluation` section. */
export const DEFAULT_EVALUATION_CONFIG: EvaluationConfig = evaluationConfigSchema.parse({});
