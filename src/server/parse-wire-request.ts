import type { z } from 'zod';
import { formatPath } from '../core/config/format-config-path.js';
import { InvalidRequestError } from '../spec/errors.js';

/**
 * Validates an inbound body against a wire schema. The error names the first wrong field by its
 * path (`messages[1].content`), which becomes `param` in the error body.
 */
export function parseWireRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const param = formatPath([...issue.path, key]);
    throw new InvalidRequestError(`Unrecognized request argument supplied: ${param}`, { param, code: 'unknown_parameter' });
  }
  const param = formatPath(issue.path);
  if (issue.path.length === 0) throw new InvalidRequestError(`Invalid request body: ${issue.message}`);
  // Missing is judged by the body itself (a union's issue, e.g. `input`, does not say "received
  // undefined"); a rule's own message (a custom issue) is kept.
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_union') && valueAt(body, issue.path) === undefined;
  throw new InvalidRequestError(missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param}': ${issue.message}.`, {
    param,
    code: missing ? 'missing_required_parameter' : 'invalid_value',
  });
}

function valueAt(body: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
