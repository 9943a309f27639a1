/**
 * Reads the admin API through the dashboard's proxy (`/ui/api/admin/*`, see
 * src/server/ui/dashboard-routes.ts): the session cookie authenticates, the server adds the key.
 */

/** Why a page section has nothing to show, and what the operator can do about it. */
export type Unavailable =
  /** The gateway has no such route yet (an older gateway, or a feature being built). */
  | 'endpoint_missing'
  /** `request_log.enabled: false`: no database behind usage, requests, exposure, audit. */
  | 'request_log_off';

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }

  /** Set when the failure means "not configured / not there", which pages show as an empty state. */
  get unavailable(): Unavailable | undefined {
    if (this.status === 404 && this.code === 'not_found') return 'endpoint_missing';
    if (this.code === 'request_log_disabled') return 'request_log_off';
    return undefined;
  }
}

function errorOf(body: unknown): { message?: string; code?: string } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return {};
  const error = body.error;
  if (typeof error !== 'object' || error === null) return {};
  return {
    ...('message' in error && typeof error.message === 'string' ? { message: error.message } : {}),
    ...('code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
  };
}

/** The sign-in page, when the session ended (expired, signed out elsewhere, gateway restarted). */
function toLogin(): void {
  window.location.assign('/ui/login');
}

/** GET a dashboard API path (`/ui/api/...`), parsed as JSON; throws AdminApiError on a non-2xx. */
export async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const { message, code } = errorOf(body);
    if (response.status === 401 && code === 'dashboard_session_required') toLogin();
    throw new AdminApiError(message ?? `${response.status} ${response.statusText}`, response.status, code);
  }
  if (body === undefined) throw new AdminApiError(`Expected JSON from ${path}.`, response.status, undefined);
  return body;
}

/** `/ui/api/admin/<path>?<query>`; undefined query values are left out. */
export function adminPath(path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return `/ui/api/admin/${path.replace(/^\//, '')}${text === '' ? '' : `?${text}`}`;
}

/**
 * A runtime check of a response's envelope: an object with these array fields. The fields'
 * contents follow the server's own types (admin-types.ts); this catches a wrong endpoint or an
 * HTML error page before a chart tries to draw it.
 */
export function expectArrays<T>(value: unknown, ...fields: string[]): T {
  if (typeof value !== 'object' || value === null) throw new AdminApiError('Unexpected response: not a JSON object.', 200, undefined);
  for (const field of fields) {
    if (!Array.isArray((value as Record<string, unknown>)[field])) {
      throw new AdminApiError(`Unexpected response: no '${field}' list.`, 200, undefined);
    }
  }
  return value as T;
}
