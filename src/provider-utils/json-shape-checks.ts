/*
 * Building blocks for an adapter's hand checks of the shapes almost every answer has (see e.g.
 * `isPlainChatResponse`): what passes one is used as parsed, where the zod schema would walk it and
 * copy every object in it. Each mirrors one zod rule exactly, so a check built from them can accept
 * nothing its schema rejects.
 */

import { isJsonRecord } from '../spec/is-json-record.js';

export { isJsonRecord };

/** `z.string().nullish()` */
export const isNullishString = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/** `z.number().nullish()` (JSON has no NaN or Infinity). */
export const isNullishNumber = (value: unknown): boolean => value === undefined || value === null || typeof value === 'number';

/** `z.boolean().nullish()` */
export const isNullishBoolean = (value: unknown): boolean => value === undefined || value === null || typeof value === 'boolean';

/** Absent or null: a field a hand check leaves to the schema whenever it is present. */
export const isNullish = (value: unknown): boolean => value === undefined || value === null;

/** `z.array(z.number())`: reads every item, copies none (an embedding has thousands). */
export function isNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (const item of value as unknown[]) if (typeof item !== 'number') return false;
  return true;
}

/** A record whose named fields are each `z.number().nullish()` (usage objects). */
export function isRecordOfNullishNumbers(value: unknown, fields: readonly string[]): value is Record<string, unknown> {
  if (!isJsonRecord(value)) return false;
  for (const field of fields) if (!isNullishNumber(value[field])) return false;
  return true;
}
