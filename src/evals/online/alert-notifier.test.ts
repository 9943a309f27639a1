import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import type { EvaluationAlert } from '../../core/evaluation/evaluation-api.js';
import { AlertNotifier } from './alert-notifier.js';
import { EvaluationMetrics } from './evaluation-metrics.js';

/** A pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const alert = (index: number, workload = 'support'): EvaluationAlert => ({
  time: 1_768_478_400_000 + index,
  kind: 'quality_drop',
  workload,
  model: 'small',
  route: 'default',
  message: `drop ${index}`,
  details: { drop: 0.2 },
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('AlertNotifier', () => {
  it('logs, counts and lists alerts newest first, keeping a bounded number', () => {
    const { logger, lines } = capturingLogger();
    const registry = new Registry();
    const notifier = new AlertNotifier({ logger, metrics: new EvaluationMetrics(registry), maxRecent: 3 });
    for (let index = 0; index < 5; index++) notifier.raise(alert(index, index === 4 ? 'batch' : 'support'));
    expect(notifier.recent().map((entry) => entry.message)).toEqual(['drop 4', 'drop 3', 'drop 2']);
    expect(notifier.recent('support').map((entry) => entry.message)).toEqual(['drop 3', 'drop 2']);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'evaluation alert: drop 0', alert: { workload: 'support', model: 'small' } });
    return registry.getSingleMetricAsString('switchyard_evaluation_alerts_total').then((text) => {
      expect(text).toContain('switchyard_evaluation_alerts_total{kind="quality_drop",workload="support",model="small"} 4');
      expect(text).toContain('switchyard_evaluation_alerts_total{kind="quality_drop",workload="batch",model="small"} 1');
    });
  });

  it('POSTs the alert as JSON to the webhook with its headers', async () => {
    server = await createTestServer();
    server.setDefault('/hooks/quality', { type: 'json', status: 204, body: {} });
    const { logger, lines } = capturingLogger();
    const notifier = new AlertNotifier({
      logger,
      webhook: { url: `${server.url}/hooks/quality`, headers: { authorization: 'Bearer hook-secret' }, timeout_ms: 5000 },
    });
    notifier.raise(alert(1));
    await notifier.settled();
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', body: alert(1) });
    expect(request!.headers).toMatchObject({ authorization: 'Bearer hook-secret', 'content-type': 'application/json' });
    expect(lines.filter((line) => String(line['msg']).includes('webhook'))).toEqual([]);
  });

  it.each([
    ['refuses', { type: 'json', status: 500, body: { error: 'down' } }, /refused/],
    ['never answers', { type: 'hang' }, /failed/],
    ['drops the connection', { type: 'reset' }, /failed/],
  ] as const)('logs a webhook that %s with its origin only, and never throws', async (_name, response, message) => {
    server = await createTestServer();
    server.setDefault('/hooks/T0KEN-IN-PATH', response);
    const { logger, lines } = capturingLogger();
    const url = `${server.url}/hooks/T0KEN-IN-PATH?key=query-secret`;
    const notifier = new AlertNotifier({ logger, webhook: { url, headers: { authorization: 'Bearer hook-secret' }, timeout_ms: 200 } });
    expect(() => notifier.raise(alert(1))).not.toThrow();
    await notifier.settled();
    const warning = lines.find((line) => String(line['msg']).includes('webhook'));
    expect(warning).toMatchObject({ level: 40, webhook: server.url, msg: expect.stringMatching(message) });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('T0KEN-IN-PATH');
    expect(logged).not.toContain('query-secret');
    expect(logged).not.toContain('hook-secret');
    // The alert itself is still listed.
    expect(notifier.recent()).toHaveLength(1);
  });

  it('logs an unreachable webhook and applies a reconfigured one', async () => {
    const { logger, lines } = capturingLogger();
    const notifier = new AlertNotifier({ logger, webhook: { url: 'http://127.0.0.1:9/hook', headers: {}, timeout_ms: 1000 } });
    notifier.raise(alert(1));
    await notifier.settled();
    expect(lines.some((line) => line['msg'] === 'evaluation alert webhook failed' && line['webhook'] === 'http://127.0.0.1:9')).toBe(true);
    server = await createTestServer();
    server.setDefault('/new', { type: 'json', status: 200, body: {} });
    notifier.configure({ url: `${server.url}/new`, headers: {}, timeout_ms: 1000 });
    notifier.raise(alert(2));
    await notifier.settled();
    expect(server.requests.map((request) => (request.body as EvaluationAlert).message)).toEqual(['drop 2']);
    notifier.configure(undefined);
    notifier.raise(alert(3));
    await notifier.settled();
    expect(server.requests).toHaveLength(1);
  });
});
