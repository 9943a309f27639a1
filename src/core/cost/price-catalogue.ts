import { z } from 'zod';
import catalogueData from './price-catalogue.json' with { type: 'json' };

/**
 * The shipped list-price catalogue (price-catalogue.json): what well-known models cost per 1M
 * tokens at a named provider on a named date. A deployment's `pricing` in the config overrides it.
 */

const price = z.number().nonnegative();

const longContextSchema = z
  .object({
    /** The long-context prices apply to the whole request once its prompt exceeds this. */
    above_input_tokens: z.number().int().positive(),
    input_per_mtok: price,
    output_per_mtok: price,
    cached_input_per_mtok: price.optional(),
    cache_write_per_mtok: price.optional(),
    cache_write_1h_per_mtok: price.optional(),
  })
  .strict();

export const catalogueEntrySchema = z
  .object({
    /** Upstream model id without a version suffix, lower case (`gpt-4o`, `claude-sonnet-4-5`). */
    id: z.string().regex(/^[a-z0-9][a-z0-9._:-]*$/, 'expected a lower-case model id'),
    /** Other ids the same model is served under (a host's naming, a dated snapshot). */
    aliases: z.array(z.string().regex(/^[a-z0-9][a-z0-9._:-]*$/)).default([]),
    /** Whose list price this is: `openai`, `anthropic`, `google`, or the host of an open model. */
    provider: z.string().min(1),
    kind: z.enum(['chat', 'embedding']),
    input_per_mtok: price,
    output_per_mtok: price,
    /** Prompt tokens read from the provider's cache; absent when the model has no discount. */
    cached_input_per_mtok: price.optional(),
    /** Prompt tokens written to the cache with the default (Anthropic: 5-minute) lifetime. */
    cache_write_per_mtok: price.optional(),
    /** Anthropic's 1-hour cache writes. */
    cache_write_1h_per_mtok: price.optional(),
    long_context: longContextSchema.optional(),
    /** The date the price was read, `YYYY-MM-DD`. */
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
    /** Where the price was read. */
    source: z.url(),
    note: z.string().optional(),
  })
  .strict();

export const priceCatalogueSchema = z
  .object({
    $comment: z.string().optional(),
    entries: z.array(catalogueEntrySchema),
  })
  .strict();

export type CatalogueEntry = z.output<typeof catalogueEntrySchema>;
export type LongContextPrices = z.output<typeof longContextSchema>;

export interface CatalogueMatch {
  entry: CatalogueEntry;
  /** `exact` (id or alias) or `version-suffix` (matched once a date or version suffix was removed). */
  matchedBy: 'exact' | 'version-suffix';
}

/** A lookup over catalogue entries; `defaultPriceCatalogue()` is the shipped one. */
export class PriceCatalogue {
  private readonly byId = new Map<string, CatalogueEntry>();

  constructor(readonly entries: readonly CatalogueEntry[]) {
    for (const entry of entries) {
      for (const id of [entry.id, ...entry.aliases]) {
        if (this.byId.has(id)) throw new Error(`price catalogue: '${id}' is listed twice`);
        this.byId.set(id, entry);
      }
    }
  }

  static parse(data: unknown): PriceCatalogue {
    return new PriceCatalogue(priceCatalogueSchema.parse(data).entries);
  }

  /**
   * The entry for an upstream model id, or undefined. A dated or versioned id falls back to its
   * family (`gpt-4o-2024-08-06` → `gpt-4o`) unless the snapshot has its own entry
   * (`gpt-4o-2024-05-13`), since snapshots of one model are usually, but not always, priced alike.
   */
  find(modelId: string): CatalogueMatch | undefined {
    let candidate = normaliseModelId(modelId);
    const exact = this.byId.get(candidate);
    if (exact) return { entry: exact, matchedBy: 'exact' };
    for (;;) {
      const shorter = stripVersionSuffix(candidate);
      if (shorter === undefined) return undefined;
      candidate = shorter;
      const entry = this.byId.get(candidate);
      if (entry) return { entry, matchedBy: 'version-suffix' };
    }
  }
}

let shipped: PriceCatalogue | undefined;

/** The catalogue shipped with Switchyard, validated on first use. */
export function defaultPriceCatalogue(): PriceCatalogue {
  shipped ??= PriceCatalogue.parse(catalogueData);
  return shipped;
}

/**
 * Lower case, and only the last path segment: hosts namespace model ids
 * (`models/gemini-2.5-pro`, `meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo`,
 * `accounts/fireworks/models/llama-v3p1-70b-instruct`).
 */
export function normaliseModelId(modelId: string): string {
  const lower = modelId.trim().toLowerCase();
  return lower.slice(lower.lastIndexOf('/') + 1);
}

/**
 * Version suffixes removed, one at a time, when an id has no entry of its own: OpenAI dates
 * (`-2024-08-06`), legacy OpenAI snapshots (`-0613`), Anthropic dates (`-20250929`), Vertex
 * snapshots (`@20240620`), Gemini revisions (`-001`) and `-latest`.
 */
const VERSION_SUFFIXES = [/-\d{4}-\d{2}-\d{2}$/, /[-@]\d{8}$/, /-\d{4}$/, /-\d{3}$/, /[-@]latest$/];

function stripVersionSuffix(modelId: string): string | undefined {
  for (const suffix of VERSION_SUFFIXES) {
    if (suffix.test(modelId)) return modelId.replace(suffix, '');
  }
  return undefined;
}
