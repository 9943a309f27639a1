import type { z } from 'zod';
import { InvalidProviderResponseError } from '../spec/errors.js';
import { truncate } from './http-client.js';

/**
 * Validates an upstream JSON value against a loose response schema, throwing a typed error that
 * names the provider and the first field that was wrong.
 */
export function parseProviderResponse<T extends z.ZodType>(provider: string, schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new InvalidProviderResponseError(
    `Upstream ${provider} returned an unexpected response: ${where}: ${issue?.message ?? 'invalid'} — ${truncate(JSON.stringify(value) ?? '', 200)}`,
    { provider, cause: result.error },
  );
}
