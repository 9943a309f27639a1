import { expect } from 'vitest';

/**
 * The request-log record of a request, read through `GET /admin/requests/:id` once the batched
 * writer has stored it (polled: records are written off the request path).
 */
export async function loggedRequest(gatewayUrl: string, requestId: string): Promise<Record<string, unknown>> {
  let record: Record<string, unknown> | undefined;
  await expect
    .poll(async () => {
      const response = await fetch(`${gatewayUrl}/admin/requests/${requestId}`);
      record = response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      return record !== undefined;
    }, { timeout: 5000 })
    .toBe(true);
  return record!;
}
