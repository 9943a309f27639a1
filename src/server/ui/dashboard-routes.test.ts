import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../gateway-context.js';
import { DASHBOARD_SESSION_COOKIE, dashboardRoutes } from './dashboard-routes.js';
import { DashboardSessions } from './dashboard-sessions.js';
import { LoginThrottle } from './login-throttle.js';

const KEY = 'admin-key-for-tests';
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-ui-'));
  await mkdir(join(directory, 'assets'));
  await writeFile(join(directory, 'index.html'), '<!doctype html><title>dashboard</title><div id="root"></div>');
  await writeFile(join(directory, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
  await writeFile(join(directory, '..', 'switchyard-ui-secret.txt'), 'outside');
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
  await rm(join(directory, '..', 'switchyard-ui-secret.txt'), { force: true });
});

/** A gateway-shaped app with the dashboard mounted at /ui; `/admin` answers are recorded, not computed. */
function harness(options: { key?: () => string | undefined; directory?: string; sessions?: DashboardSessions; throttle?: LoginThrottle } = {}) {
  const forwarded: Request[] = [];
  const app = new Hono<GatewayEnv>();
  app.use('*', async (context, next) => {
    context.set('requestId', 'req-test');
    await next();
  });
  app.route(
    '/ui',
    dashboardRoutes({
      adminKey: options.key ?? (() => KEY),
      forwardToAdmin: (request) => {
        forwarded.push(request);
        return Response.json({ rows: [], path: new URL(request.url).pathname }, { status: 200 });
      },
      directory: options.directory ?? directory,
      ...(options.sessions ? { sessions: options.sessions } : {}),
      ...(options.throttle ? { throttle: options.throttle } : {}),
    }),
  );
  return { app, forwarded };
}

const form = (key: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams({ key }).toString(),
});

async function login(app: Hono<GatewayEnv>, key = KEY): Promise<string> {
  const response = await app.request('/ui/login', form(key));
  expect(response.status).toBe(303);
  const cookie = response.headers.get('set-cookie') ?? '';
  const token = new RegExp(`${DASHBOARD_SESSION_COOKIE}=([^;]+)`).exec(cookie)?.[1];
  expect(token).toBeDefined();
  return `${DASHBOARD_SESSION_COOKIE}=${token}`;
}

const remote = (address: string) => ({ incoming: { socket: { remoteAddress: address } } }) as unknown as GatewayEnv['Bindings'];

describe('dashboard with an admin key', () => {
  it('sends a browser without a session to the login page, and the API answers 401', async () => {
    const { app, forwarded } = harness();
    const page = await app.request('/ui/');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/ui/login');
    const asset = await app.request('/ui/assets/index-abc123.js');
    expect(asset.status).toBe(303);
    const api = await app.request('/ui/api/admin/usage');
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'dashboard_session_required' } });
    expect(forwarded).toHaveLength(0);
  });

  it('serves a login form with strict security headers', async () => {
    const { app } = harness();
    const response = await app.request('/ui/login');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<form method="post" action="/ui/login">');
    expect(html).toContain('<label for="key">Admin key</label>');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('exchanges the key for an HttpOnly SameSite=Strict cookie, then proxies GETs with the key added server-side', async () => {
    const { app, forwarded } = harness();
    const wrong = await app.request('/ui/login', form('not-the-key'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That is not the admin key.');

    const response = await app.request('/ui/login', form(KEY));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/ui/');
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/ui/);
    expect(setCookie).toMatch(/Max-Age=28800/);
    expect(setCookie).not.toContain(KEY);

    const cookie = await login(app);
    const api = await app.request('/ui/api/admin/usage?by=workload,model&since=24h', { headers: { cookie } });
    expect(api.status).toBe(200);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(forwarded).toHaveLength(1);
    const sent = forwarded[0]!;
    expect(sent.method).toBe('GET');
    expect(new URL(sent.url).pathname).toBe('/admin/usage');
    expect(new URL(sent.url).searchParams.get('by')).toBe('workload,model');
    expect(sent.headers.get('x-switchyard-admin-key')).toBe(KEY);
    expect(sent.headers.get('cookie')).toBeNull();

    const page = await app.request('/ui/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const session = await app.request('/ui/api/session', { headers: { cookie } });
    expect(await session.json()).toMatchObject({ mode: 'admin_key', expiresAt: expect.any(Number) });
  });

  it('never forwards writes, nor paths outside /admin', async () => {
    const { app, forwarded } = harness();
    const cookie = await login(app);
    const write = await app.request('/ui/api/admin/reload', { method: 'POST', headers: { cookie } });
    expect(write.status).toBe(404);
    const encoded = await app.request('/ui/api/admin/..%2F..%2Fv1%2Fmodels', { headers: { cookie } });
    expect(encoded.status).toBe(200);
    expect(new URL(forwarded[0]!.url).pathname.startsWith('/admin/')).toBe(true);
    expect(forwarded.every((request) => request.method === 'GET')).toBe(true);
  });

  it('refuses a login form posted from another origin', async () => {
    const { app } = harness();
    const response = await app.request('/ui/login', form(KEY, { origin: 'https://evil.example' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect((await app.request('/ui/login', form(KEY, { 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    expect((await app.request('/ui/login', form(KEY, { origin: 'null' }))).status).toBe(403);
    expect((await app.request('/ui/login', form(KEY, { origin: 'null', 'sec-fetch-site': 'same-origin' }))).status).toBe(303);
    expect((await app.request('/ui/login', form(KEY, { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' }))).status).toBe(303);
  });

  it('refuses further tries from an address after too many wrong keys', async () => {
    const { app } = harness({ throttle: new LoginThrottle({ maxFailures: 3 }) });
    const env = remote('192.0.2.7');
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await app.request('/ui/login', form('guess'), env)).status).toBe(401);
    const blocked = await app.request('/ui/login', form(KEY), env);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await app.request('/ui/login', form(KEY), remote('192.0.2.8'))).status).toBe(303);
  });

  it('ends sessions on sign-out, on expiry and when the admin key changes', async () => {
    let key = KEY;
    let now = 1_000_000;
    const sessions = new DashboardSessions({ ttlMs: 60_000, now: () => now });
    const { app } = harness({ key: () => key, sessions });
    const get = (cookie: string) => app.request('/ui/api/admin/usage', { headers: { cookie } });

    const signedOut = await login(app);
    const logout = await app.request('/ui/logout', { method: 'POST', headers: { cookie: signedOut } });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('set-cookie')).toMatch(new RegExp(`${DASHBOARD_SESSION_COOKIE}=;`));
    expect((await get(signedOut)).status).toBe(401);

    const expiring = await login(app);
    expect((await get(expiring)).status).toBe(200);
    now += 60_001;
    expect((await get(expiring)).status).toBe(401);

    const rotated = await login(app);
    key = 'a-new-admin-key';
    expect((await get(rotated)).status).toBe(401);
  });
});

describe('dashboard without an admin key', () => {
  it('opens to loopback clients with no login, like /admin', async () => {
    const { app, forwarded } = harness({ key: () => undefined });
    expect((await app.request('/ui/', {}, remote('127.0.0.1'))).status).toBe(200);
    expect((await app.request('/ui/login', {}, remote('::1'))).headers.get('location')).toBe('/ui/');
    const api = await app.request('/ui/api/admin/registry', {}, remote('::ffff:127.0.0.1'));
    expect(api.status).toBe(200);
    expect(forwarded[0]!.headers.get('x-switchyard-admin-key')).toBeNull();
    expect(await (await app.request('/ui/api/session', {}, remote('127.0.0.1'))).json()).toEqual({ mode: 'loopback' });
  });

  it('refuses other clients', async () => {
    const { app, forwarded } = harness({ key: () => '' });
    const page = await app.request('/ui/', {}, remote('10.0.0.9'));
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('server.admin_key');
    const api = await app.request('/ui/api/admin/usage', {}, remote('10.0.0.9'));
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: 'permission_denied' } });
    expect(forwarded).toHaveLength(0);
  });
});

describe('dashboard assets', () => {
  it('caches hashed assets for good and the page not at all', async () => {
    const { app } = harness({ key: () => undefined });
    const script = await app.request('/ui/assets/index-abc123.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const page = await app.request('/ui/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await app.request('/ui')).headers.get('location')).toBe('/ui/');
    expect((await app.request('/ui/assets/missing.js')).status).toBe(404);
  });

  it('serves nothing from outside its directory', async () => {
    const { app } = harness({ key: () => undefined });
    const response = await app.request('/ui/..%2fswitchyard-ui-secret.txt');
    expect(await response.text()).not.toContain('outside');
  });

  it('answers 503 with what to run when the dashboard is not built', async () => {
    const { app } = harness({ key: () => undefined, directory: join(directory, 'not-built') });
    const response = await app.request('/ui/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:ui');
  });
});
