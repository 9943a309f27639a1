import { z } from 'zod';

/**
 * Config schemas of the model registry: a logical model's `registry:` block, the `data_handling:`
 * block of a provider or deployment, and the top-level `registry:` block (licence terms added to or
 * overriding the shipped catalogue). All strict, so a misspelt key is an error naming it.
 *
 * ```yaml
 * providers:
 *   openai: { type: openai, data_handling: { retention_days: 30, used_for_training: false, regions: [us], certifications: [soc2] } }
 * models:
 *   support-ft:
 *     registry:
 *       owner: support-platform
 *       openness: open_weights
 *       license: llama-3.1-community
 *       lifecycle: approved
 *       pinned_version: 2024-11-02
 *       lineage: { base_model: llama-8b, base_version: meta-llama/Llama-3.1-8B-Instruct, adapter: lora-support-v3, quantization_bits: 4 }
 *     deployments: [{ provider: vllm, model: support-ft, data_handling: { regions: [eu] } }]
 * registry:
 *   licenses:
 *     internal-eula: { name: Internal EULA, commercial_use: true }
 * ```
 */

/** `YYYY-MM-DD`, a real calendar date. */
const isoDate = z.iso.date({ error: 'expected an ISO date YYYY-MM-DD' });

export const LIFECYCLES = ['candidate', 'approved', 'deprecated', 'retired'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

export const OPENNESS = ['open_weights', 'closed'] as const;
export type Openness = (typeof OPENNESS)[number];

export const lineageSchema = z
  .object({
    /** The configured logical model this one is derived from (fine-tuned, distilled or quantized). */
    base_model: z.string().min(1),
    /**
     * The base's version (pinned version or upstream model id) this model was derived from. When the
     * base model's pin moves away from it, this model is flagged stale: it was built on something
     * the fleet no longer runs.
     */
    base_version: z.string().min(1),
    /** The fine-tune adapter (LoRA name, checkpoint id) applied to the base, if any. */
    adapter: z.string().min(1).optional(),
    /** Weight precision after quantization (4 for a 4-bit GGUF/AWQ build). */
    quantization_bits: z.number().int().min(1).max(32).optional(),
  })
  .strict();

/** `models.<name>.registry`: who owns the model, under which licence, and where it is in its lifecycle. */
export const modelRegistrySchema = z
  .object({
    /** Team or person accountable for the model (reviews, incidents, upgrades). */
    owner: z.string().min(1).optional(),
    /** `open_weights` (published weights) or `closed` (API only). Default: from the licence, else from the deployments. */
    openness: z.enum(OPENNESS).optional(),
    /** SPDX id (`Apache-2.0`) or a catalogue key (`llama-3.1-community`, `gemma`, `qwen`, `openai-api`…). */
    license: z.string().min(1).optional(),
    /**
     * `candidate` (under evaluation) → `approved` → `deprecated` (with `deprecation_date`) → `retired`.
     * Default `approved`, so configs written before the registry keep passing `registry check`.
     */
    lifecycle: z.enum(LIFECYCLES).default('approved'),
    /** When the team stops using the model; required when `lifecycle: deprecated`. */
    deprecation_date: isoDate.optional(),
    /** The date the provider announced it will stop serving this model or version. */
    provider_deprecation_date: isoDate.optional(),
    /** The version the team has validated and pinned (model id suffix, revision hash or date). */
    pinned_version: z.string().min(1).optional(),
    /** What this model is derived from, for fine-tunes, distillations and quantized builds. */
    lineage: lineageSchema.optional(),
  })
  .strict()
  .superRefine((entry, context) => {
    if (entry.lifecycle === 'deprecated' && entry.deprecation_date === undefined) {
      context.addIssue({ code: 'custom', path: ['deprecation_date'], message: 'required when lifecycle is deprecated (the date the model stops being used)' });
    }
  });

/**
 * `data_handling` of a provider or one deployment (the deployment's keys override the provider's,
 * which override the defaults of the provider type: self-hosted types keep data in-house with zero
 * retention; hosted APIs are not self-hosted and their retention is unknown unless declared).
 */
export const dataHandlingSchema = z
  .object({
    /** Runs on infrastructure the team controls. */
    self_hosted: z.boolean().optional(),
    /** Days the provider keeps prompts and answers; 0 = none. */
    retention_days: z.number().int().nonnegative().optional(),
    /** The provider keeps nothing (a zero-data-retention agreement); same as `retention_days: 0`. */
    zero_retention: z.boolean().optional(),
    /** The provider may train on prompts. Unknown counts as yes for policy. */
    used_for_training: z.boolean().optional(),
    /** Where data is processed: `eu`, `us`, `eu-west-1`… */
    regions: z.array(z.string().min(1)).optional(),
    /** Certifications of the service: `soc2`, `hipaa`, `iso27001`, `gdpr`… (case-insensitive). */
    certifications: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((terms, context) => {
    if (terms.zero_retention === true && terms.retention_days !== undefined && terms.retention_days > 0) {
      context.addIssue({ code: 'custom', path: ['retention_days'], message: 'contradicts zero_retention: true (use 0 or drop one of them)' });
    }
    if (terms.zero_retention === false && terms.retention_days === 0) {
      context.addIssue({ code: 'custom', path: ['zero_retention'], message: 'contradicts retention_days: 0' });
    }
  });

/** Key terms of a licence, as data. In config every key is optional: an entry overrides the catalogue's. */
export const licenseTermsSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** SPDX identifier, when the licence has one. */
    spdx: z.string().min(1).optional(),
    /** `open_weights` licence, or the terms of a `closed_service` (an API). */
    kind: z.enum(['open_weights', 'closed_service']).optional(),
    /** Commercial use is allowed (possibly under `max_monthly_active_users`). */
    commercial_use: z.boolean().optional(),
    /** Above this many monthly active users the licence no longer applies (a separate licence is needed); null = no limit. */
    max_monthly_active_users: z.number().int().positive().nullable().optional(),
    /** URL of the acceptable-use policy that binds users, if any. */
    acceptable_use_policy: z.url().nullable().optional(),
    /** Products must credit the model or licensor ("Built with Llama"). */
    attribution_required: z.boolean().optional(),
    notes: z.string().optional(),
    /** The date the terms were read, `YYYY-MM-DD`. */
    as_of: isoDate.optional(),
    /** Where they were read. */
    source: z.url().optional(),
  })
  .strict();

/** Top-level `registry:`: licence terms added to or overriding the shipped catalogue, by key. */
export const registryConfigSchema = z
  .object({
    licenses: z.record(z.string().min(1), licenseTermsSchema).default({}),
  })
  .strict();

export type LineageConfig = z.output<typeof lineageSchema>;
export type ModelRegistryConfig = z.output<typeof modelRegistrySchema>;
export type DataHandlingConfig = z.output<typeof dataHandlingSchema>;
export type LicenseTermsConfig = z.output<typeof licenseTermsSchema>;
export type RegistryConfig = z.output<typeof registryConfigSchema>;
