import { z } from 'zod';
import catalogueData from './licenses.json' with { type: 'json' };
import type { LicenseTermsConfig } from './registry-config.js';

/**
 * The shipped catalogue of licence terms (licenses.json) and lookups into it by key, SPDX id or
 * alias, case-insensitively. Config entries (top-level `registry.licenses`) are merged over it.
 */

const isoDate = z.iso.date();

const catalogueEntrySchema = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case key'),
    name: z.string().min(1),
    spdx: z.string().min(1).optional(),
    aliases: z.array(z.string().min(1)).default([]),
    kind: z.enum(['open_weights', 'closed_service']),
    commercial_use: z.boolean(),
    max_monthly_active_users: z.number().int().positive().nullable(),
    acceptable_use_policy: z.url().nullable(),
    attribution_required: z.boolean(),
    notes: z.string(),
    as_of: isoDate,
    source: z.url(),
  })
  .strict();

const catalogueSchema = z.object({ $comment: z.string().optional(), entries: z.array(catalogueEntrySchema) }).strict();

/** Key terms of one licence, resolved. */
export interface LicenseTerms {
  /** Catalogue or config key (`llama-3.1-community`). */
  key: string;
  name: string;
  spdx?: string;
  kind: 'open_weights' | 'closed_service';
  commercialUse: boolean;
  /** Above this many monthly active users the licence no longer covers the product; undefined = no limit. */
  maxMonthlyActiveUsers?: number;
  acceptableUsePolicy?: string;
  attributionRequired: boolean;
  notes?: string;
  asOf?: string;
  source?: string;
  /** `catalogue`, `config` (added by config) or `catalogue+config` (catalogue entry overridden). */
  origin: 'catalogue' | 'config' | 'catalogue+config';
}

/** Licence terms by lower-case key, with lookups by SPDX id and alias. */
export interface LicenseCatalogue {
  readonly entries: Readonly<Record<string, LicenseTerms>>;
  /** The terms a `license:` value names, or undefined when unknown. */
  lookup(name: string): LicenseTerms | undefined;
}

export interface LicenseCatalogueProblem {
  key: string;
  message: string;
}

let shipped: { entries: readonly LicenseTerms[]; aliases: ReadonlyMap<string, string> } | undefined;

/** The shipped entries and their lookup names, validated once (a malformed catalogue is a build defect, so it throws). */
function loadShipped(): { entries: readonly LicenseTerms[]; aliases: ReadonlyMap<string, string> } {
  if (shipped !== undefined) return shipped;
  const parsed = catalogueSchema.parse(catalogueData).entries;
  const aliases = new Map<string, string>();
  for (const entry of parsed) {
    for (const alias of [entry.key, entry.spdx, ...entry.aliases]) if (alias !== undefined) aliases.set(alias.toLowerCase(), entry.key);
  }
  const entries = parsed.map(
    (entry): LicenseTerms => ({
      key: entry.key,
      name: entry.name,
      ...(entry.spdx === undefined ? {} : { spdx: entry.spdx }),
      kind: entry.kind,
      commercialUse: entry.commercial_use,
      ...(entry.max_monthly_active_users === null ? {} : { maxMonthlyActiveUsers: entry.max_monthly_active_users }),
      ...(entry.acceptable_use_policy === null ? {} : { acceptableUsePolicy: entry.acceptable_use_policy }),
      attributionRequired: entry.attribution_required,
      notes: entry.notes,
      asOf: entry.as_of,
      source: entry.source,
      origin: 'catalogue',
    }),
  );
  shipped = { entries, aliases };
  return shipped;
}

/** The shipped catalogue entries. */
export function shippedLicenses(): readonly LicenseTerms[] {
  return loadShipped().entries;
}

/**
 * The catalogue with config entries merged in. An entry whose key (or SPDX id or alias) names a
 * shipped licence overrides only the terms it gives; a new key must at least say `commercial_use`.
 */
export function buildLicenseCatalogue(overrides: Readonly<Record<string, LicenseTermsConfig>> = {}): {
  catalogue: LicenseCatalogue;
  problems: LicenseCatalogueProblem[];
} {
  const entries: Record<string, LicenseTerms> = Object.fromEntries(loadShipped().entries.map((entry) => [entry.key, entry]));
  const aliases = new Map(loadShipped().aliases);
  const problems: LicenseCatalogueProblem[] = [];
  for (const [configKey, terms] of Object.entries(overrides)) {
    const existingKey = aliases.get(configKey.toLowerCase());
    const base = existingKey === undefined ? undefined : entries[existingKey];
    if (base === undefined && terms.commercial_use === undefined) {
      problems.push({ key: configKey, message: `licence '${configKey}' is not in the catalogue; give at least commercial_use` });
      continue;
    }
    const key = base?.key ?? configKey.toLowerCase();
    entries[key] = mergeTerms(key, base, terms);
    aliases.set(configKey.toLowerCase(), key);
    if (terms.spdx !== undefined) aliases.set(terms.spdx.toLowerCase(), key);
  }
  return {
    catalogue: {
      entries,
      lookup: (name) => {
        const key = aliases.get(name.toLowerCase());
        return key === undefined ? undefined : entries[key];
      },
    },
    problems,
  };
}

function mergeTerms(key: string, base: LicenseTerms | undefined, terms: LicenseTermsConfig): LicenseTerms {
  const merged: LicenseTerms = {
    key,
    name: terms.name ?? base?.name ?? key,
    kind: terms.kind ?? base?.kind ?? 'open_weights',
    commercialUse: terms.commercial_use ?? base?.commercialUse ?? false,
    attributionRequired: terms.attribution_required ?? base?.attributionRequired ?? false,
    origin: base === undefined ? 'config' : 'catalogue+config',
  };
  const spdx = terms.spdx ?? base?.spdx;
  if (spdx !== undefined) merged.spdx = spdx;
  // null in config explicitly removes a catalogue threshold or policy (e.g. a negotiated licence).
  const users = terms.max_monthly_active_users === undefined ? base?.maxMonthlyActiveUsers : (terms.max_monthly_active_users ?? undefined);
  if (users !== undefined) merged.maxMonthlyActiveUsers = users;
  const policy = terms.acceptable_use_policy === undefined ? base?.acceptableUsePolicy : (terms.acceptable_use_policy ?? undefined);
  if (policy !== undefined) merged.acceptableUsePolicy = policy;
  const notes = terms.notes ?? base?.notes;
  if (notes !== undefined) merged.notes = notes;
  const asOf = terms.as_of ?? base?.asOf;
  if (asOf !== undefined) merged.asOf = asOf;
  const source = terms.source ?? base?.source;
  if (source !== undefined) merged.source = source;
  return merged;
}
