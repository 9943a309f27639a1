import { z } from 'zod';
import limitsData from './model-limits.json' with { type: 'json' };
import { normaliseModelId } from '../../cost/price-catalogue.js';

/**
 * The shipped table of context windows and output limits (model-limits.json) of well-known
 * upstream models. A deployment's `context_window` / `max_output_tokens` override it.
 */

const modelId = z.string().regex(/^[a-z0-9][a-z0-9._:-]*$/, 'expected a lower-case model id');

export const modelLimitsEntrySchema = z
  .object({
    /** Upstream model id without a version suffix, lower case. */
    id: modelId,
    /** Other ids the same model is served under (a host's naming). */
    aliases: z.array(modelId).default([]),
    /** Tokens of input plus output the model can hold. */
    context_window: z.number().int().positive(),
    /** Most tokens one answer may have; absent where hosts differ. */
    max_output_tokens: z.number().int().positive().optional(),
    /** The date the limits were read, `YYYY-MM-DD`. */
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
    /** Where they were read. */
    source: z.url(),
    note: z.string().optional(),
  })
  .strict();

export const modelLimitsTableSchema = z
  .object({
    $comment: z.string().optional(),
    entries: z.array(modelLimitsEntrySchema),
  })
  .strict();

export type ModelLimitsEntry = z.output<typeof modelLimitsEntrySchema>;

/**
 * Suffixes removed one at a time, in order, until an id matches: version and date suffixes (as the
 * price catalogue strips them), host decorations (`-preview-05-06`, `-exp`, Bedrock's `-v1:0`,
 * quantisation tags), then instruction-tuning names (`-instruct`, `-chat`, `-it`, `-hf`, `-turbo`),
 * which rarely change a model's window.
 */
const STRIPPABLE_SUFFIXES = [
  /-\d{4}-\d{2}-\d{2}$/,
  /[-@]\d{8}$/,
  /-\d{4}$/,
  /-\d{3}$/,
  /[-@]latest$/,
  /-v\d+[:-]\d+$/,
  /-preview(-\d{2}-\d{2})?$/,
  /-exp(-\d{4})?$/,
  /-(q\d|fp16|fp8|bf16|int4|int8|awq|gptq)[\w.]*$/,
  /-v\d+(\.\d+)?$/,
  /-instruct$/,
  /-chat$/,
  /-it$/,
  /-hf$/,
  /-turbo$/,
];

/** A lookup over limit entries; `defaultModelLimits()` is the shipped table. */
export class ModelLimitsTable {
  private readonly byId = new Map<string, ModelLimitsEntry>();

  constructor(readonly entries: readonly ModelLimitsEntry[]) {
    for (const entry of entries) {
      for (const id of [entry.id, ...entry.aliases]) {
        if (this.byId.has(id)) throw new Error(`model limits: '${id}' is listed twice`);
        this.byId.set(id, entry);
      }
    }
  }

  static parse(data: unknown): ModelLimitsTable {
    return new ModelLimitsTable(modelLimitsTableSchema.parse(data).entries);
  }

  /** The entry for an upstream model id, or undefined when the model is not in the table. */
  find(upstreamModelId: string): ModelLimitsEntry | undefined {
    let candidate = canonicalId(upstreamModelId);
    for (;;) {
      const entry = this.byId.get(candidate);
      if (entry) return entry;
      const suffix = STRIPPABLE_SUFFIXES.find((pattern) => pattern.test(candidate));
      if (!suffix) return undefined;
      candidate = candidate.replace(suffix, '');
    }
  }
}

/**
 * Lower case and last path segment (as for prices), then host spellings made uniform: a fine-tune
 * (`ft:gpt-4o-mini:org::id`) is its base model, a Bedrock vendor prefix (`anthropic.`) goes, and
 * Ollama tags (`llama3.1:8b`) use `-` like everyone else.
 */
function canonicalId(upstreamModelId: string): string {
  let id = normaliseModelId(upstreamModelId);
  const fineTune = /^ft:([^:]+):/.exec(id);
  if (fineTune) id = fineTune[1]!;
  return id.replace(/^(anthropic|meta|mistral|amazon|cohere|google)\./, '').replaceAll(':', '-');
}

let shipped: ModelLimitsTable | undefined;

/** The table shipped with Switchyard, validated on first use. */
export function defaultModelLimits(): ModelLimitsTable {
  shipped ??= ModelLimitsTable.parse(limitsData);
  return shipped;
}
