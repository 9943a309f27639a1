/** What a value too large for the log is stored as: the start of its JSON text, marked. */
export interface TruncatedJson {
  truncated: true;
  /** Size of the whole value as UTF-8 JSON. */
  bytes: number;
  /** The first `maxBytes` of that JSON (cut on a character boundary); not parseable on its own. */
  preview: string;
}

/**
 * Keeps `value` when its JSON fits in `maxBytes` (UTF-8), else replaces it with a marked prefix of
 * its JSON text. Values JSON cannot represent (undefined, functions) are returned as they are.
 */
export function truncateJson(value: unknown, maxBytes: number): unknown {
  const json = JSON.stringify(value);
  if (json === undefined) return value;
  // A UTF-16 string of n code units is at most 3n UTF-8 bytes: short strings skip the byte count.
  if (json.length * 3 <= maxBytes) return value;
  const encoded = Buffer.from(json, 'utf8');
  if (encoded.length <= maxBytes) return value;
  let end = Math.max(0, maxBytes);
  // Back off continuation bytes (10xxxxxx) so the cut does not split a character.
  while (end > 0 && (encoded[end]! & 0xc0) === 0x80) end--;
  const truncated: TruncatedJson = { truncated: true, bytes: encoded.length, preview: encoded.subarray(0, end).toString('utf8') };
  return truncated;
}
