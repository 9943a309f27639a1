import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { PermissionDeniedError } from '../../spec/errors.js';
import { REQUEST_ID_HEADER, type GatewayEnv } from '../gateway-context.js';
import { authenticateAdmin, keyMatches } from '../middleware/auth.js';
import { exchangeOf } from '../request-context.js';
import { DEFAULT_DASHBOARD_DIRECTORY, isDashboardBuilt, readDashboardAsset } from './dashboard-assets.js';
import { forbiddenPage, loginPage, notBuiltPage } from './dashboard-pages.js';
import { DashboardSessions, secretFingerprint } from './dashboard-sessions.js';
import { LoginThrottle } from './login-throttle.js';

export const DASHBOARD_SESSION_COOKIE = 'switchyard_ui_session';
/** The admin key is a short secret; a larger login body is not a login. */
const MAX_LOGIN_BODY_BYTES = 8_192;
const API_PREFIX = '/api/admin/';

/** Only the dashboard's own origin may load and frame nothing; charts need inline style attributes. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface DashboardRouteOptions {
  /** The admin key in force (it changes on reload); `undefined` or empty: loopback only, no login. */
  adminKey: () => string | undefined;
  /**
   * Answers an `/admin/...` GET as the gateway would (the app's own `fetch`, without node
   * bindings), so the proxied call goes through the admin routes' own auth check and error mapping.
   * No bindings on purpose: on node, handlers read headers from the raw incoming request, which
   * is the browser's, not this one with the key; and the loopback rule was already applied here.
   */
  forwardToAdmin: (request: Request) => Response | Promise<Response>;
  /** The built dashboard; default `<package>/dist/ui`. */
  directory?: string;
  sessions?: DashboardSessions;
  throttle?: LoginThrottle;
}

/**
 * `/ui`: the dashboard, behind the admin key.
 *
 * With `server.admin_key` set, the browser posts the key once to `POST /ui/login` and gets an
 * HttpOnly, SameSite=Strict session cookie scoped to `/ui` (random token, in memory, 8 h). Every
 * other `/ui` path needs that session: assets, and `GET /ui/api/admin/*`, a read-only proxy that
 * forwards the GET to `/admin/*` with the admin key added server-side. The key never reaches a URL,
 * script or storage, and `/admin` itself keeps taking only the key header, so the cookie cannot
 * reach a state-changing admin route (reload, lifecycle changes) even if SameSite were bypassed.
 *
 * Without an admin key the dashboard, like `/admin`, answers only to loopback clients, with no login.
 *
 * Mounted by `createGatewayApp`:
 * `app.route('/ui', dashboardRoutes({ adminKey: () => …server.admin_key, forwardToAdmin: (request) => app.fetch(request) }))`.
 */
export function dashboardRoutes(options: DashboardRouteOptions): Hono<GatewayEnv> {
  const dashboard = new Hono<GatewayEnv>();
  const sessions = options.sessions ?? new DashboardSessions();
  const throttle = options.throttle ?? new LoginThrottle();
  const directory = options.directory ?? DEFAULT_DASHBOARD_DIRECTORY;
  const currentKey = (): string | undefined => options.adminKey() || undefined;

  dashboard.use('*', async (context, next) => {
    await next();
    const headers = context.res.headers;
    headers.set('x-content-type-options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer, browsers send `Origin: null` on the login POST.
    headers.set('referrer-policy', 'same-origin');
    headers.set('x-frame-options', 'DENY');
    if (!headers.has('content-security-policy')) headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  });

  dashboard.get('/login', (context) => {
    const key = currentKey();
    if (key === undefined || sessionExpiry(context, key) !== undefined) return context.redirect('/ui/', 303);
    return context.html(loginPage());
  });

  dashboard.post('/login', async (context) => {
    const key = currentKey();
    if (key === undefined) return context.redirect('/ui/', 303);
    if (!sameOrigin(context)) return context.html(forbiddenPage('The login form must be posted from the dashboard itself.'), 403);
    const address = clientAddress(context);
    const waitMs = throttle.retryAfterMs(address);
    if (waitMs > 0) {
      const minutes = Math.ceil(waitMs / 60_000);
      return context.html(loginPage(`Too many wrong keys from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`), 429, {
        'retry-after': String(Math.ceil(waitMs / 1000)),
      });
    }
    const presented = await readLoginKey(context);
    if (presented === undefined || !keyMatches(presented, [key])) {
      throttle.recordFailure(address);
      return context.html(loginPage('That is not the admin key.'), 401);
    }
    throttle.recordSuccess(address);
    const session = sessions.create(secretFingerprint(key));
    setCookie(context, DASHBOARD_SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/ui',
      maxAge: Math.floor(sessions.ttlMs / 1000),
      secure: isHttps(context),
    });
    return context.redirect('/ui/', 303);
  });

  dashboard.post('/logout', (context) => {
    sessions.revoke(getCookie(context, DASHBOARD_SESSION_COOKIE));
    deleteCookie(context, DASHBOARD_SESSION_COOKIE, { path: '/ui', httpOnly: true, sameSite: 'Strict', secure: isHttps(context) });
    return context.redirect(currentKey() === undefined ? '/ui/' : '/ui/login', 303);
  });

  // Everything below needs a session (with a key) or a loopback client (without one).
  dashboard.use('*', async (context, next) => {
    const api = context.req.path.startsWith('/ui/api/');
    const key = currentKey();
    if (key === undefined) {
      try {
        authenticateAdmin(exchangeOf(context), undefined);
      } catch (error) {
        if (!PermissionDeniedError.isInstance(error)) throw error;
        return api
          ? context.json({ error: { message: error.message, type: 'permission_error', param: null, code: 'permission_denied' } }, 403)
          : context.html(forbiddenPage(`${error.message} The dashboard follows the same rule.`), 403);
      }
      return next();
    }
    if (sessionExpiry(context, key) !== undefined) return next();
    if (api) {
      return context.json(
        { error: { message: 'Sign in to the dashboard first (POST /ui/login).', type: 'authentication_error', param: null, code: 'dashboard_session_required' } },
        401,
      );
    }
    return context.redirect('/ui/login', 303);
  });

  dashboard.get('/api/session', (context) => {
    const key = currentKey();
    return context.json(key === undefined ? { mode: 'loopback' } : { mode: 'admin_key', expiresAt: sessionExpiry(context, key) ?? null });
  });

  dashboard.get(`${API_PREFIX}*`, async (context) => {
    const incoming = new URL(context.req.url);
    const rest = incoming.pathname.slice(incoming.pathname.indexOf(API_PREFIX) + API_PREFIX.length);
    // The URL parser resolves `..` (also as %2e%2e); whatever it makes of the path must stay in /admin/.
    const target = new URL(`/admin/${rest}${incoming.search}`, incoming.origin);
    if (!target.pathname.startsWith('/admin/')) {
      return context.json({ error: { message: 'Only /admin paths can be read through the dashboard.', type: 'invalid_request_error', param: null, code: 'invalid_path' } }, 400);
    }
    const headers = new Headers({ accept: 'application/json', [REQUEST_ID_HEADER]: context.get('requestId') });
    const key = currentKey();
    if (key !== undefined) headers.set('x-switchyard-admin-key', key);
    const response = await options.forwardToAdmin(new Request(target, { method: 'GET', headers }));
    return new Response(response.body, {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' },
    });
  });

  dashboard.get('/api/*', (context) =>
    context.json({ error: { message: `No dashboard API at ${context.req.path}.`, type: 'invalid_request_error', param: null, code: 'not_found' } }, 404),
  );

  dashboard.get('*', async (context) => {
    const path = new URL(context.req.url).pathname;
    if (path === '/ui') return context.redirect('/ui/', 301);
    if (!(await isDashboardBuilt(directory))) return context.html(notBuiltPage(directory), 503, { 'retry-after': '60' });
    const relative = path.slice('/ui/'.length);
    // Pages are hash-routed, so any path that is not a file is the app itself.
    const asset = (await readDashboardAsset(directory, relative)) ?? (relative.startsWith('assets/') ? undefined : await readDashboardAsset(directory, 'index.html'));
    if (asset === undefined) return context.text('Not found', 404);
    return context.body(asset.body, 200, {
      'content-type': asset.contentType,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    });
  });

  function sessionExpiry(context: Context<GatewayEnv>, key: string): number | undefined {
    return sessions.verify(getCookie(context, DASHBOARD_SESSION_COOKIE), secretFingerprint(key));
  }

  return dashboard;
}

async function readLoginKey(context: Context<GatewayEnv>): Promise<string | undefined> {
  const length = Number(context.req.header('content-length') ?? '0');
  if (length > MAX_LOGIN_BODY_BYTES) return undefined;
  const type = context.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  try {
    const body = await context.req.parseBody();
    const key = body['key'];
    return typeof key === 'string' && key !== '' && key.length <= MAX_LOGIN_BODY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A cross-site form cannot log a browser in. Browsers say where a POST came from in `Origin`
 * (`null` from sandboxed or no-referrer contexts) and `Sec-Fetch-Site`; when they do, it must be here.
 */
function sameOrigin(context: Context<GatewayEnv>): boolean {
  const site = context.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = context.req.header('origin');
  if (origin === undefined || origin === '') return true;
  if (origin === 'null') return site === 'same-origin';
  try {
    const from = new URL(origin).host;
    return from === new URL(context.req.url).host || from === context.req.header('x-forwarded-host');
  } catch {
    return false;
  }
}

function isHttps(context: Context<GatewayEnv>): boolean {
  return new URL(context.req.url).protocol === 'https:' || context.req.header('x-forwarded-proto') === 'https';
}

function clientAddress(context: Context<GatewayEnv>): string {
  return context.env?.incoming?.socket.remoteAddress ?? 'unknown';
}
