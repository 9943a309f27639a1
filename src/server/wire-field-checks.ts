/*
 * Building blocks for the inbound parsers' hand checks of plain bodies (parse-openai-chat-request,
 * parse-anthropic-messages-request). Each mirrors one zod rule of the wire schemas exactly, so a body
 * they accept is one the schema accepts unchanged.
 */

export type FieldCheck = (value: unknown) => boolean;

export const isString: FieldCheck = (value) => typeof value === 'string';
export const isNonEmptyString: FieldCheck = (value) => typeof value === 'string' && value !== '';
export const isBoolean: FieldCheck = (value) => typeof value === 'boolean';
export const nullable =
  (check: FieldCheck): FieldCheck =>
  (value) =>
    value === null || check(value);
export const numberBetween =
  (low: number, high: number): FieldCheck =>
  (value) =>
    typeof value === 'number' && value >= low && value <= high;
/** `z.number().int().min(1)`: zod's `.int()` accepts safe integers only. */
export const isPositiveInteger: FieldCheck = (value) => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * Every own field of `body` is one of `fields` and passes its check, every `required` one is present,
 * and nothing is inherited (an own `__proto__` key from JSON.parse is left to the schema).
 */
export function hasOnlyCheckedFields(body: Record<string, unknown>, fields: ReadonlyMap<string, FieldCheck>, required: readonly string[]): boolean {
  for (const key in body) {
    if (!Object.hasOwn(body, key)) return false;
    const check = fields.get(key);
    if (check === undefined || !check(body[key])) return false;
  }
  for (const key of required) if (!Object.hasOwn(body, key)) return false;
  return true;
}

/** Every own key of `value` is one of `keys`, and no enumerable key is inherited. */
export function hasOnlyKeys(value: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !keys.has(key)) return false;
  }
  return true;
}
