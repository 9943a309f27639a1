/**
 * JSON text with object keys in sorted order at every depth, so two values that are equal as data
 * produce the same text however their objects were built. `undefined` members are left out, as
 * `JSON.stringify` does; arrays keep their order (message order matters).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // `JSON.stringify(undefined)` is undefined: as a bare value (an array slot), write null like JSON does.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
