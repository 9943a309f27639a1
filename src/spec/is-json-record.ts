/**
 * A JSON object: not null, not an array (what zod's `z.object` takes). In `spec`, the layer every
 * other may import, so the wire checks, the adapters' hand checks and config diffs share one.
 */
export function isJsonRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
