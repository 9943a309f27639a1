import OpenAI from 'openai';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExposureReport } from '../../../src/core/governance/exposure/compute-exposure.js';
import type { RegistryCheckReport } from '../../../src/core/governance/registry/registry-check.js';
import type { RegistryView } from '../../../src/core/governance/registry/registry-listing.js';
import type { ModelVersionSighting } from '../../../src/core/governance/drift/model-version-sighting.js';
import type { RequestLogRecord } from '../../../src/core/telemetry/request-log-record.js';
import type { ListRequestsPage } from '../../../src/store/request-log-store.js';
import type { UsageReport, UsageRow } from '../../../src/store/usage-query.js';
import { formatCount, formatFineMs, formatMs, formatPercent, formatRateInterval, formatScore, formatScoreInterval, formatUsd, percentile } from '../../../web/src/format/format-number.js';
import { createFakeOpenAIUpstream } from '../../fakes/fake-openai-upstream.js';
import type { TestServer } from '../../support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../../support/start-test-gateway.js';
import { evaluationFixtures } from './dashboard-fixtures.js';
import { ensureDashboardBuilt } from './ensure-dashboard-built.js';
import { findChromium } from './find-chromium.js';

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against a real
 * gateway seeded through the official OpenAI client: sign in with the admin key, load every page,
 * compare the numbers on screen with the admin API's, and save a screenshot of each page.
 * Screenshots go to $DASHBOARD_SCREENSHOTS (default: <tmpdir>/switchyard-dashboard-screenshots); with
 * UPDATE_README_SCREENSHOT=1 the overview is also copied to docs/screenshots/.
 */
const chromiumPath = findChromium();
if (chromiumPath === undefined) {
  console.warn('[dashboard e2e] SKIPPED: no chromium found (apt-get install chromium, or set CHROMIUM_PATH). CI installs it in .ci/run.');
}

const ADMIN_KEY = 'dashboard-e2e-admin-key';
const REFUSAL = "I'm sorry, but I can't help with that.";
const EMAIL = 'jane.doe@example.com';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let cheap: TestServer;
let frontier: TestServer;
let gateway: TestGateway;
let client: OpenAI;
let directory: string;
let screenshots: string;
let browser: Browser;
let page: Page;
const requestedUrls: string[] = [];
const pageErrors: string[] = [];

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const config = (cheapUrl: string, frontierUrl: string, dir: string) => `server:
  admin_key: ${ADMIN_KEY}
providers:
  cheap: { type: vllm, base_url: "${cheapUrl}/v1" }
  frontier: { type: openai, base_url: "${frontierUrl}/v1", api_key: sk-test }
  sim: { type: simulated, latency: { distribution: uniform, median_ms: 15 }, seed: 11 }
  flaky: { type: simulated, faults: { server_error: 1 } }
models:
  llama:
    registry: { owner: ml-platform, license: llama-3-community, lifecycle: approved }
    deployments: [{ provider: cheap, model: llama-3-8b, pricing: { input_per_mtok: 0.2, output_per_mtok: 0.2 } }]
  gpt-4o:
    registry: { owner: platform, lifecycle: approved }
    deployments: [{ provider: frontier, model: gpt-4o, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } }]
  sim-small:
    registry: { owner: research, license: Apache-2.0, lifecycle: deprecated, deprecation_date: ${isoDay(10)} }
    deployments: [{ provider: sim, model: sim-small, pricing: { input_per_mtok: 0.05, output_per_mtok: 0.08 } }]
  flaky-model:
    registry: { owner: research }
    deployments: [{ provider: flaky, model: flaky-1, pricing: { input_per_mtok: 0.1, output_per_mtok: 0.1 } }]
workloads:
  qa:
    route: { model: llama }
    reference_model: gpt-4o
    routing:
      cascade: { tiers: [llama, gpt-4o], checks: [refusal] }
  summarize:
    route: { model: flaky-model, fallbacks: [sim-small] }
    reference_model: gpt-4o
  chat:
    route: { model: sim-small }
    reference_model: gpt-4o
storage: { type: sqlite, path: "${dir}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${dir}/spill", capture_payloads: { enabled: true } }
`;

const cheapAnswer = (text: string) => ({
  type: 'json' as const,
  body: {
    id: 'chatcmpl-cheap',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'llama-3-8b',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 },
  },
});

async function chat(model: string, content: string, stream = false): Promise<void> {
  const messages = [{ role: 'user' as const, content }];
  if (!stream) {
    await client.chat.completions.create({ model, messages });
    return;
  }
  const events = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
  for await (const _ of events) {
    // drain
  }
}

/** 14 requests: a cascade that escalates twice, a workload on its fallback, streams, and one error. */
async function seedTraffic(): Promise<number> {
  for (const text of ['What is a token?', 'Define latency.', 'Summarise HTTP/2.']) await chat('workload/qa', text);
  await chat('workload/qa', 'Stream a haiku about routers.', true);
  cheap.enqueue('/v1/chat/completions', cheapAnswer(REFUSAL), cheapAnswer(REFUSAL));
  await chat('workload/qa', 'Explain the outage report.');
  await chat('workload/qa', 'Draft the incident summary.');
  for (const text of ['Summarise ticket 1', 'Summarise ticket 2', 'Summarise ticket 3']) await chat('workload/summarize', text);
  await chat('workload/chat', `Email ${EMAIL} about the outage.`);
  await chat('workload/chat', 'Hello there', true);
  await chat('workload/chat', 'Tell me a fact', true);
  await chat('workload/chat', 'Thanks');
  await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
  return 14;
}

async function admin<T>(path: string): Promise<T> {
  const response = await fetch(`${gateway.url}/admin/${path}`, { headers: { 'x-switchyard-admin-key': ADMIN_KEY } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Records are written off the request path, in batches; wait (in beforeAll, where expect.poll is not allowed) until all are in. */
async function waitForLog(count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const logged = (await admin<ListRequestsPage>('requests?limit=1000')).items.length;
    if (logged === count) return;
    if (Date.now() > deadline) throw new Error(`The request log has ${logged} records, expected ${count}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const cells = (testId: string) => page.getByTestId(testId).locator('th, td').allTextContents();
const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
const statValue = async (testId: string) => ((await page.getByTestId(testId).locator('.stat-value').textContent()) ?? '').trim();
const groupOf = (row: UsageRow, key: 'workload' | 'model' | 'deployment') => row.keys[key] ?? '(none)';

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Every form control on the page has an accessible name (unnamed ones show bare in the ARIA snapshot). */
async function expectNamedControls(): Promise<void> {
  const snapshot = await page.locator('body').ariaSnapshot();
  expect(snapshot).not.toMatch(/^\s*- (textbox|combobox|checkbox|radio|spinbutton|searchbox|button|link)\s*(\[[^\]]*\])?\s*:?\s*$/m);
  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  expect(await page.getByRole('main').count()).toBe(1);
  expect(await page.getByRole('navigation', { name: 'Dashboard pages' }).count()).toBe(1);
}

async function open(hash: string, heading: string): Promise<void> {
  await page.goto(`${gateway.url}/ui/#/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

describe.skipIf(chromiumPath === undefined)('dashboard in a real browser', () => {
  let total = 0;

  beforeAll(async () => {
    ensureDashboardBuilt();
    cheap = await createFakeOpenAIUpstream();
    frontier = await createFakeOpenAIUpstream();
    directory = await mkdtemp(join(tmpdir(), 'switchyard-dashboard-'));
    screenshots = process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'switchyard-dashboard-screenshots');
    await mkdir(screenshots, { recursive: true });
    gateway = await startTestGateway(config(cheap.url, frontier.url, directory), { recordRequests: true });
    const probe = await fetch(`${gateway.url}/ui/login`, { redirect: 'manual' });
    await probe.body?.cancel();
    if (probe.status === 404) {
      throw new Error("GET /ui/login answered 404: createGatewayApp (src/server/app.ts) does not mount the dashboard; it needs app.route('/ui', dashboardRoutes(…)).");
    }
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
    total = await seedTraffic();
    await waitForLog(total);
    browser = await chromium.launch({ executablePath: chromiumPath });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await cheap?.close();
    await frontier?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    console.info(`[dashboard e2e] screenshots in ${screenshots}`);
  });

  it('signs in with the admin key once, into an HttpOnly SameSite=Strict session', async () => {
    await page.goto(`${gateway.url}/ui/`);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
    await page.getByLabel('Admin key').fill('wrong-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the admin key');
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const [session] = await page.context().cookies();
    expect(session).toMatchObject({ name: 'switchyard_ui_session', httpOnly: true, sameSite: 'Strict', path: '/ui' });
    expect(session!.value).not.toContain(ADMIN_KEY);
  });

  it('overview: totals, per-workload figures and TTFT match the admin API, and update live', async () => {
    await open('overview', 'Overview');
    await page.getByTestId('usage-by-workload').waitFor();
    const report = await admin<UsageReport>('usage?by=workload&since=24h');
    const sum = (pick: (row: UsageRow) => number) => report.rows.reduce((total, row) => total + pick(row), 0);
    const requests = sum((row) => row.requests);
    expect(requests).toBe(total);
    expect(await statValue('stat-requests')).toBe(formatCount(requests));
    expect(await statValue('stat-cost')).toBe(formatUsd(sum((row) => row.costUsd)));
    // Requests without a reference model count at their own cost: baseline = cost + savings.
    expect(await statValue('stat-baseline')).toBe(formatUsd(sum((row) => row.costUsd + row.savingsUsd)));
    expect(await statValue('stat-savings')).toBe(formatUsd(sum((row) => row.savingsUsd)));
    expect(await statValue('stat-error-rate')).toBe(formatPercent(sum((row) => row.errors) / requests));
    expect(await statValue('stat-fallback-rate')).toBe(formatPercent(sum((row) => row.fallbacks) / requests));
    expect(await statValue('stat-escalation-rate')).toBe(formatPercent(sum((row) => row.escalations) / requests));
    expect(sum((row) => row.escalations)).toBe(2);
    expect(sum((row) => row.fallbacks)).toBe(3);

    // The seeded streams give some workload exact TTFT percentiles from the store.
    expect(report.rows.some((row) => row.p50TimeToFirstTokenMs !== undefined)).toBe(true);
    // Requests answered through the gateway carry its own time; the seeded failures do not.
    expect(report.rows.some((row) => row.p99OverheadMs !== undefined)).toBe(true);
    for (const row of report.rows) {
      expect(await cells(`workload-row-${groupOf(row, 'workload')}`)).toEqual([
        groupOf(row, 'workload'),
        formatCount(row.requests),
        formatUsd(row.costUsd),
        formatUsd(row.costUsd + row.savingsUsd),
        formatUsd(row.savingsUsd),
        formatMs(row.p50LatencyMs),
        formatMs(row.p95LatencyMs),
        formatMs(row.p99LatencyMs),
        ...[row.p50TimeToFirstTokenMs, row.p95TimeToFirstTokenMs, row.p99TimeToFirstTokenMs].map((value) => (value === undefined ? '–' : formatMs(value))),
        formatFineMs(row.p99OverheadMs),
        formatPercent(row.errorRate),
        formatPercent(row.fallbackRate),
        formatPercent(row.escalationRate),
      ]);
    }
    const byModel = await admin<UsageReport>('usage?by=model&since=24h');
    for (const row of byModel.rows) expect((await cells(`model-row-${groupOf(row, 'model')}`)).slice(0, 3)).toEqual([groupOf(row, 'model'), formatCount(row.requests), formatUsd(row.costUsd)]);

    const sample = (await admin<ListRequestsPage>('requests?limit=200')).items;
    const ttft = sample.flatMap((record) => (record.timeToFirstTokenMs === undefined || record.status >= 400 ? [] : [record.timeToFirstTokenMs]));
    expect(ttft.length).toBeGreaterThan(0);
    expect(await statValue('stat-ttft-p50')).toBe(formatMs(percentile(ttft, 50)!));
    expect(await statValue('stat-ttft-p95')).toBe(formatMs(percentile(ttft, 95)!));
    for (const chart of ['chart-cost', 'chart-requests', 'chart-latency', 'chart-rates', 'chart-cost-by-workload', 'chart-latency-histogram']) {
      await page.getByTestId(chart).locator('svg.recharts-surface').first().waitFor();
    }
    await expectNamedControls();
    await shoot('overview');
    if (process.env.UPDATE_README_SCREENSHOT === '1') {
      await mkdir(join(ROOT, 'docs', 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'dashboard-overview.png') });
    }

    await chat('workload/chat', 'One more, live');
    total += 1;
    await expect.poll(() => statValue('stat-requests'), { timeout: 12_000, interval: 250 }).toBe(formatCount(total));
  }, 25_000);

  it('is usable from the keyboard: skip link, then page links move focus to the new heading', async () => {
    await open('overview', 'Overview');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.locator(':focus').textContent()).toBe('Overview');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    for (let step = 0; step < 3; step += 1) await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Routing');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(':focus').textContent()).toBe('Routing');
  });

  it('fits a phone screen without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open('overview', 'Overview');
      await page.getByTestId('usage-by-workload').waitFor();
      // Wide tables scroll inside their own (focusable) box, not the page.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await shoot('overview-phone');
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });

  it('routing: escalation and tier shares match the admin API; the router curve marks its threshold', async () => {
    await open('routing', 'Routing');
    await page.getByTestId('tier-table').waitFor();
    const byWorkload = await admin<UsageReport>('usage?by=workload&since=24h');
    const qa = byWorkload.rows.find((row) => row.keys.workload === 'qa')!;
    expect(await cells('escalation-qa')).toEqual(['qa', formatCount(qa.requests), formatCount(qa.escalations), formatPercent(qa.escalationRate), formatPercent(qa.fallbackRate)]);
    const registry = await admin<RegistryView>('registry');
    const byDeployment = await admin<UsageReport>('usage?by=workload,deployment&since=24h');
    for (const row of byDeployment.rows.filter((candidate) => candidate.keys.workload === 'qa')) {
      const model = registry.deployments.find((deployment) => deployment.id === row.keys.deployment)!.model;
      const shown = await cells(`tier-qa-${model}`);
      expect(shown[1]).toBe(model);
      expect(shown[2]).toContain(model === 'llama' ? 'cascade tier 0' : 'cascade tier 1');
      expect(shown.slice(3)).toEqual([formatCount(row.requests), formatPercent(row.requests / qa.requests)]);
    }
    await page.getByTestId('chart-tier-share').locator('.recharts-bar-rectangle').first().waitFor();
    // Without shadow judging or a learned router configured, each section says what to set.
    await page.getByTestId('shadow-empty').or(page.getByTestId('endpoint-missing')).first().waitFor();
    await page.getByTestId('routers-empty').or(page.getByTestId('endpoint-missing')).last().waitFor();
    expect(await page.locator('.empty-state').count()).toBe(2);
    await shoot('routing-unconfigured');

    const fixtures = evaluationFixtures(Date.now());
    await page.route('**/ui/api/admin/routing/routers', (route) => route.fulfill({ json: fixtures.routers }));
    await page.route('**/ui/api/admin/routing/quality?*', (route) => route.fulfill({ json: fixtures.routingQuality }));
    await page.reload();
    await page.getByTestId('router-curve-qa').waitFor();
    const router = fixtures.routers.routers[0]!;
    const chosen = router.curve!.find((point) => point.threshold === router.threshold)!;
    expect(await text('router-chosen-qa')).toBe(
      `Threshold ${formatScore(router.threshold)}: ${formatPercent(chosen.strongShare)} of requests to gpt-4o, ${formatPercent(chosen.relativeCost)} of the all-gpt-4o cost, quality ${formatScore(chosen.quality)}.`,
    );
    expect(await text('router-provenance-qa')).toContain('Reads prompt embeddings from local/universal-sentence-encoder');
    expect(await page.getByTestId('router-curve-qa').locator('.recharts-reference-line').count()).toBe(1);
    expect(await page.getByTestId('router-curve-qa').locator('.recharts-reference-dot').count()).toBe(1);
    const shadow = fixtures.routingQuality.workloads[0]!;
    const under = shadow.underEscalation;
    const over = shadow.overEscalation;
    expect((await cells('routing-quality-qa')).slice(5, 7)).toEqual([
      `${formatRateInterval(under.rate, under.lower, under.upper)} (${under.count} of ${under.of})`,
      `${formatRateInterval(over.rate, over.lower, over.upper)} (${over.count} of ${over.of})`,
    ]);
    await expectNamedControls();
    await shoot('routing');
    await page.unrouteAll();
  });

  it('registry: models, warnings and the exposure of a model match the admin API', async () => {
    await open('registry', 'Registry');
    await page.getByTestId('models-table').waitFor();
    const registry = await admin<RegistryView>('registry');
    expect(await page.getByTestId('models-table').locator('tbody tr').count()).toBe(registry.models.length);
    for (const model of registry.models) {
      const shown = await cells(`model-${model.name}`);
      expect(shown[0]).toBe(model.name);
      expect(shown[4]).toBe(model.deprecationDate === null ? model.lifecycle : `${model.lifecycle} (until ${model.deprecationDate})`);
      expect(shown[5]).toBe(model.owner ?? '—');
      if (model.license !== null) expect(shown[2]).toContain(model.license.name);
    }
    const check = await admin<RegistryCheckReport>('registry/check');
    expect(check.findings.some((finding) => finding.model === 'sim-small' && finding.kind === 'deprecation_due')).toBe(true);
    expect(await page.getByTestId('check-findings').locator('li').count()).toBe(check.findings.length);
    expect(await text('check-summary')).toContain(`${check.errors} error`);
    const drift = await admin<{ sightings: ModelVersionSighting[] }>('registry/drift?drift_only=true&limit=100');
    if (drift.sightings.length === 0) await page.getByTestId('drift-none').waitFor();
    else expect(await page.getByTestId('drift-table').locator('tbody tr').count()).toBe(drift.sightings.length);

    await page.getByRole('radio', { name: 'Model' }).check();
    await page.getByRole('combobox', { name: 'Model' }).selectOption('llama');
    await page.getByLabel('Days of traffic').fill('7');
    await page.getByRole('button', { name: 'Show exposure' }).click();
    await page.getByTestId('exposure-result').waitFor();
    const exposure = await admin<ExposureReport>('registry/exposure?model=llama&days=7');
    expect(await text('exposure-summary')).toContain(`${formatCount(exposure.totals.answeredByTarget)} requests answered and ${formatUsd(exposure.totals.targetCostUsd)} spent`);
    for (const row of exposure.workloads) {
      const shown = await cells(`exposure-${row.workload ?? '(none)'}`);
      expect(shown.slice(2, 7)).toEqual([formatCount(row.requests), formatCount(row.answeredByTarget), formatPercent(row.trafficShare), formatUsd(row.targetCostUsd), formatPercent(row.costShare)]);
      expect(shown[7]).toBe(row.alternative === undefined ? '— (no workload policy)' : row.alternative.exists ? `Yes: ${row.alternative.deployments.join(', ')}` : 'No compliant alternative');
    }
    expect(exposure.workloads.find((row) => row.workload === 'qa')?.answeredByTarget).toBe(4);
    await expectNamedControls();
    await shoot('registry');
  });

  it('evals: says what to configure, then shows runs with intervals, gates and the quality trend', async () => {
    await open('evals', 'Evals');
    for (const empty of ['runs-empty', 'gates-empty', 'quality-empty']) await page.getByTestId(empty).or(page.getByTestId('endpoint-missing')).first().waitFor();
    expect(await page.locator('.empty-state').count()).toBe(3);
    await shoot('evals-unconfigured');

    const fixtures = evaluationFixtures(Date.now());
    await page.route('**/ui/api/admin/evals/runs', (route) => route.fulfill({ json: fixtures.runs }));
    await page.route('**/ui/api/admin/evals/gates', (route) => route.fulfill({ json: fixtures.gates }));
    await page.route('**/ui/api/admin/quality?*', (route) => route.fulfill({ json: fixtures.quality }));
    await page.reload();
    await page.getByTestId('eval-runs-table').waitFor();
    for (const run of fixtures.runs.runs) expect(await cells(`eval-run-${run.id}`)).toContain(formatScoreInterval(run.mean, run.lower, run.upper));
    expect(await text('gates-summary')).toBe('1 passed, 1 failed.');
    expect((await cells('gate-gate-fail'))[1]).toBe('✗ Failed');
    expect((await cells('gate-gate-pass'))[1]).toBe('✓ Passed');
    await page.getByTestId('chart-quality-trend').locator('.recharts-line').first().waitFor();
    expect(await page.getByTestId('chart-quality-trend').locator('.recharts-line').count()).toBe(2);
    expect(await page.getByTestId('chart-eval-runs').locator('.recharts-errorBar').count()).toBeGreaterThan(0);
    expect(await cells('rolling-qa-llama')).toContain('Alerting');
    expect(await page.getByTestId('quality-alerts').locator('li').count()).toBe(1);
    await expectNamedControls();
    await shoot('evals');
    await page.unrouteAll();
  });

  it('requests: the list, search, filters and a request with its attempts, decision, cost and redacted payload', async () => {
    await open('requests', 'Requests');
    await page.getByTestId('requests-table').waitFor();
    const listed = await admin<ListRequestsPage>(`requests?since=${Date.now() - 86_400_000}&limit=50`);
    expect(listed.items).toHaveLength(total);
    expect(await text('requests-count')).toBe(`${formatCount(total)} requests loaded.`);
    expect(await page.getByTestId('requests-table').locator('tbody tr').count()).toBe(total);

    const escalated = listed.items.find((record) => (record.cascade?.tier ?? 0) > 0)!;
    await page.getByLabel('Search loaded requests').fill(escalated.id);
    expect(await text('requests-count')).toBe(`1 of ${formatCount(total)} loaded requests match.`);
    await page.getByLabel('Search loaded requests').fill('');

    await page.getByLabel('Workload').fill('summarize');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const summarize = await admin<ListRequestsPage>(`requests?since=${Date.now() - 86_400_000}&limit=50&workload=summarize`);
    await expect.poll(() => text('requests-count')).toBe(`${formatCount(summarize.items.length)} requests loaded.`);
    expect(await page.getByTestId('requests-table').locator('tbody tr').count()).toBe(3);

    const record = await admin<RequestLogRecord>(`requests/${escalated.id}`);
    await page.getByTestId(`request-${escalated.id}`).waitFor({ state: 'detached' });
    await page.goto(`${gateway.url}/ui/#/requests/${escalated.id}`);
    await page.getByTestId('request-detail').waitFor();
    expect(await page.getByTestId('attempts-table').locator('tbody tr').count()).toBe(record.attempts.length);
    expect(await page.getByTestId('cascade-steps').locator('tbody tr').count()).toBe(record.cascade!.steps.length);
    expect(await page.getByTestId('detail-cost').locator('dd').textContent()).toBe(formatUsd(record.costUsd!));
    expect(await page.getByTestId('detail-reason').locator('dd').textContent()).toBe(record.routeReason ?? '—');

    const withEmail = listed.items.find((item) => item.workload === 'chat' && !item.stream && item.payload !== undefined && JSON.stringify(item.payload).includes('outage'))!;
    const captured = await admin<RequestLogRecord>(`requests/${withEmail.id}`);
    await page.goto(`${gateway.url}/ui/#/requests/${withEmail.id}`);
    await page.getByTestId('payload').waitFor();
    const shownRequest = await page.getByTestId('payload').locator('pre').first().textContent();
    expect(shownRequest).toBe(JSON.stringify(captured.payload!.request, null, 2));
    expect(shownRequest).not.toContain(EMAIL);
    await expectNamedControls();
    await shoot('requests');
  });

  it('keeps the figures on screen, marked stale, when a live refresh fails', async () => {
    await open('overview', 'Overview');
    await page.getByTestId('stat-cost').waitFor();
    const cost = await page.getByTestId('stat-cost').textContent();
    // The admin API stops answering (the gateway restarting, say): the next poll fails.
    await page.route('**/ui/api/admin/usage**', (route) => route.abort());
    await page.getByTestId('stale').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('stat-cost').textContent()).toBe(cost);
    await page.unroute('**/ui/api/admin/usage**');
    await page.getByTestId('stale').first().waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('ran without script errors, and never put the admin key in a URL', () => {
    expect(pageErrors).toEqual([]);
    expect(requestedUrls.length).toBeGreaterThan(10);
    expect(requestedUrls.filter((url) => url.includes(ADMIN_KEY))).toEqual([]);
  });
});
