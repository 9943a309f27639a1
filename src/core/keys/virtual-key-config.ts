import { z } from 'zod';
import { limitsSchema } from '../limits/limit-config.js';
import { hashVirtualKey } from './hash-virtual-key.js';

/**
 * One entry of the `keys:` list. The key is given either as `key_sha256` (preferred: the secret
 * never appears in the config) or as `key`, typically `${ENV}`, which is hashed while parsing:
 * the parsed output holds only `key_sha256`, so the plain key is never kept.
 */
export const virtualKeySchema = z
  .object({
    /** Shown in logs, metrics and errors instead of the key. */
    name: z.string().min(1),
    key: z.string().min(16, 'expected at least 16 characters').optional(),
    key_sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex characters (the SHA-256 of the key; see `switchyard keys hash`)')
      .optional(),
    /** Workloads this key may call; absent means all, `[]` means none. */
    workloads: z.array(z.string().min(1)).optional(),
    /** Models this key may call directly (not through a workload); absent means all, `[]` means none. */
    models: z.array(z.string().min(1)).optional(),
    limits: limitsSchema.optional(),
    disabled: z.boolean().default(false),
  })
  .strict()
  .superRefine((entry, context) => {
    const given = (entry.key === undefined ? 0 : 1) + (entry.key_sha256 === undefined ? 0 : 1);
    if (given !== 1) {
      context.addIssue({
        code: 'custom',
        path: given === 0 ? ['key_sha256'] : ['key'],
        message: given === 0 ? 'expected one of key_sha256 or key' : 'expected only one of key_sha256 or key, not both',
      });
    }
  })
  .transform(({ key, key_sha256, ...rest }) => ({
    ...rest,
    key_sha256: key_sha256 === undefined ? hashVirtualKey(key ?? '') : key_sha256.toLowerCase(),
  }));

/** The `keys:` list: names and keys must be unique. */
export const virtualKeysSchema = z.array(virtualKeySchema).superRefine((entries, context) => {
  const names = new Set<string>();
  const digests = new Set<string>();
  entries.forEach((entry, index) => {
    if (names.has(entry.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate key name '${entry.name}'` });
    names.add(entry.name);
    // An entry whose key was refused (too short, say) has no digest: it is reported there, not here.
    if (typeof entry.key_sha256 !== 'string') return;
    // The message names the entry, never the digest or key.
    if (digests.has(entry.key_sha256)) context.addIssue({ code: 'custom', path: [index], message: `key '${entry.name}' has the same key as an earlier entry` });
    digests.add(entry.key_sha256);
  });
});

export type VirtualKeyConfig = z.output<typeof virtualKeySchema>;
export type RawVirtualKeyConfig = z.input<typeof virtualKeySchema>;
