import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../core/config/load-config.js';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import { calibrationCurve } from '../../../core/routing/learned/calibration-curve.js';
import type { LearnedRoutersResponse } from '../../../core/routing/learned/learned-router-listing.js';
import { createLearnedRouterModel, type RouterArtifact } from '../../../core/routing/learned/router-artifact.js';
import { separableExamples, TRAINED_ON } from '../../../core/routing/learned/test-fixtures.js';
import { trainLearnedRouter } from '../../../core/routing/learned/train-router.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { registerRouterRoutes } from './router-routes.js';

const MODELS_YAML = `providers:
  local: { type: simulated }
models:
  small: { deployments: [{ provider: local, model: small-1 }] }
  big: { deployments: [{ provider: local, model: big-1 }] }
`;

let directory: string;
let curved: RouterArtifact;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-router-routes-'));
  const examples = separableExamples(40);
  const trainedOn = { ...TRAINED_ON, file: 'support.jsonl', examples: examples.length };
  const trained = trainLearnedRouter(examples, { variant: 'baseline', strong: 'big-1', weak: 'small-1', trainedOn });
  const model = createLearnedRouterModel(trained);
  const threshold = 0.4;
  const curve = calibrationCurve(examples, examples.map((example) => model.score(example.input)), { chosenThreshold: threshold });
  curved = { ...trained, threshold, calibration: { method: '5-fold out-of-fold scores on train', targetQuality: 0.95, strongShare: 0.5, curve } };
  await writeFile(join(directory, 'curved.json'), JSON.stringify(curved));
  // An artifact trained before the curve was recorded: no calibration block at all.
  await writeFile(join(directory, 'plain.json'), JSON.stringify({ ...trained, trainedOn: { ...trainedOn, extra: { crossValidation: { folds: 5 } } } }));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function configWith(workloadsYaml: string): ResolvedConfig {
  return loadConfigText(`${MODELS_YAML}workloads:\n${workloadsYaml}`, join(directory, 'switchyard.yaml'));
}

function appServing(current: { config: ResolvedConfig }): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerRouterRoutes(admin, { currentConfig: () => current.config });
  const app = new Hono<GatewayEnv>();
  app.route('/admin', admin);
  return app;
}

async function routersOf(app: Hono<GatewayEnv>): Promise<LearnedRoutersResponse> {
  const response = await app.request('/admin/routing/routers');
  expect(response.status).toBe(200);
  return (await response.json()) as LearnedRoutersResponse;
}

const THREE_WORKLOADS = `  support:
    route: { model: small }
    routing:
      learned: { artifact: curved.json, weak: small, strong: big, cascade_between: [0.3, 0.6] }
      cascade: { tiers: [small, big], checks: [refusal] }
  chat:
    route: { model: small }
  batch:
    route: { model: small }
    routing:
      learned: { artifact: plain.json, weak: small, strong: big, threshold: 0.7 }
`;

describe('GET /admin/routing/routers', () => {
  it('lists every learned router with its artifact, threshold and calibration curve', async () => {
    const body = await routersOf(appServing({ config: configWith(THREE_WORKLOADS) }));
    expect(body.routers.map((router) => router.workload)).toEqual(['support', 'batch']);
    const support = body.routers[0];
    expect(support).toMatchObject({
      workload: 'support',
      weak: 'small',
      strong: 'big',
      threshold: 0.4,
      thresholdSource: 'artifact',
      cascadeBetween: [0.3, 0.6],
      artifact: {
        path: join(directory, 'curved.json'),
        format: 'switchyard-router',
        version: 1,
        variant: 'baseline',
        trainedAt: curved.createdAt,
        trainedOn: { file: 'support.jsonl', sha256: TRAINED_ON.sha256, split: 'train', examples: 40 },
        threshold: 0.4,
        calibration: { method: '5-fold out-of-fold scores on train', targetQuality: 0.95, strongShare: 0.5 },
        embedder: null,
      },
    });
    expect(support!.curve).toEqual(curved.calibration!.curve);
    expect(support!.curve!.map((point) => point.threshold)).toContain(support!.threshold);
    expect(support!.artifact.calibration).not.toHaveProperty('curve');
  });

  it('shows a config threshold override, and null curve and calibration for an older artifact', async () => {
    const { routers } = await routersOf(appServing({ config: configWith(THREE_WORKLOADS) }));
    const batch = routers.find((router) => router.workload === 'batch')!;
    expect(batch).toMatchObject({ threshold: 0.7, thresholdSource: 'config', curve: null, artifact: { threshold: 0.5, calibration: null } });
    expect(batch).not.toHaveProperty('cascadeBetween');
    expect(batch.artifact.trainedOn).not.toHaveProperty('extra');
  });

  it('answers an empty list without learned routers and follows a reload', async () => {
    const current = { config: configWith('  chat:\n    route: { model: small }\n') };
    const app = appServing(current);
    expect(await routersOf(app)).toEqual({ routers: [] });
    current.config = configWith(THREE_WORKLOADS);
    expect((await routersOf(app)).routers).toHaveLength(2);
  });
});
