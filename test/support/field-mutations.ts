import { expect } from 'vitest';

/** Values a fast-path check is tried with in place of each field of a valid sample. */
export const REPLACEMENT_VALUES: readonly unknown[] = [undefined, null, 0, 1.5, -1, '', 'text', true, false, [], [1], {}, { a: 1 }];

/**
 * Every copy of `sample` with one field (at any depth, array items included) replaced by one of
 * `replacements` (`undefined` removes the field or the array item: what JSON can express), with the
 * path it changed: for checking that a hand-written fast path accepts nothing its schema rejects.
 */
export function* fieldMutations(sample: unknown, replacements: readonly unknown[] = REPLACEMENT_VALUES): Generator<{ path: string; value: unknown }> {
  for (const path of pathsOf(sample)) {
    for (const replacement of replacements) {
      yield { path: `${path.join('.')} = ${JSON.stringify(replacement)}`, value: withValueAt(sample, path, replacement) };
    }
  }
}

function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return prefix.length > 0 ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [...(prefix.length > 0 ? [prefix] : []), ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

function withValueAt(sample: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(sample) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined && Array.isArray(parent)) parent.splice(last as number, 1);
  else if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

/**
 * Holds a hand-written fast path to its schema: for every mutation of each sample that `check`
 * accepts, the schema must accept it too (the failure names the field and value). Returns how many
 * mutations the check accepted, so a test can show the sweep reached past the check's first line.
 */
export function expectCheckNoLooserThanSchema(
  check: (value: unknown) => boolean,
  schema: { safeParse(value: unknown): { success: boolean } },
  samples: readonly unknown[],
  replacements: readonly unknown[] = REPLACEMENT_VALUES,
): number {
  let accepted = 0;
  for (const sample of samples) {
    for (const { path, value } of fieldMutations(sample, replacements)) {
      if (!check(value)) continue;
      accepted += 1;
      expect(schema.safeParse(value).success, path).toBe(true);
    }
  }
  return accepted;
}

/**
 * Holds an inbound body parser's fast path to its schema: whatever `parse` does with `body`, the
 * result must equal the schema's (`parseWireRequest`), or the error carry the same message and param.
 */
export function expectSameAsSchema(parse: (body: unknown) => unknown, schemaParse: (body: unknown) => unknown, body: unknown): void {
  let expected: unknown;
  let expectedError: unknown;
  try {
    expected = schemaParse(body);
  } catch (error) {
    expectedError = error;
  }
  if (expectedError === undefined) {
    expect(parse(body)).toStrictEqual(expected);
    return;
  }
  let actualError: unknown;
  try {
    parse(body);
  } catch (error) {
    actualError = error;
  }
  expect(actualError).toBeInstanceOf((expectedError as Error).constructor);
  expect(actualError).toMatchObject({ message: (expectedError as Error).message, param: (expectedError as { param?: unknown }).param });
}

/** {@link expectSameAsSchema} for every body one field away from `sample`; a failure names the field and value. */
export function expectSameAsSchemaForMutations(
  parse: (body: unknown) => unknown,
  schemaParse: (body: unknown) => unknown,
  sample: unknown,
  replacements: readonly unknown[] = REPLACEMENT_VALUES,
): void {
  for (const { path, value } of fieldMutations(sample, replacements)) {
    try {
      expectSameAsSchema(parse, schemaParse, value);
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
  }
}
