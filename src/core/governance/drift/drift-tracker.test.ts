import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigText } from '../../config/load-config.js';
import { checkReportedModel } from './check-reported-model.js';
import { DriftMetrics } from './drift-metrics.js';
import { DriftTracker, versionPins } from './drift-tracker.js';
import type { DriftEvent, ModelVersionSighting } from './model-version-sighting.js';

describe('checkReportedModel', () => {
  it.each([
    // Floating aliases answered by the version they resolve to: not drift, resolved version recorded.
    [{ model: 'gpt-4o' }, 'gpt-4o-2024-08-06', { matches: true, resolvedVersion: 'gpt-4o-2024-08-06' }],
    [{ model: 'claude-3-5-sonnet-latest' }, 'claude-3-5-sonnet-20241022', { matches: true, resolvedVersion: 'claude-3-5-sonnet-20241022' }],
    [{ model: 'claude-sonnet-4-0' }, 'claude-sonnet-4-20250514', { matches: true, resolvedVersion: 'claude-sonnet-4-20250514' }],
    [{ model: 'gemini-1.5-pro' }, 'models/gemini-1.5-pro-002', { matches: true, resolvedVersion: 'models/gemini-1.5-pro-002' }],
    [{ model: 'mistral-large-latest' }, 'mistral-large-2411', { matches: true, resolvedVersion: 'mistral-large-2411' }],
    // Answered by exactly the pin.
    [{ model: 'gpt-4o-2024-08-06' }, 'gpt-4o-2024-08-06', { matches: true }],
    [{ model: 'meta-llama/Llama-3.1-8B-Instruct' }, 'meta-llama/llama-3.1-8b-instruct', { matches: true }],
    [{ model: 'llama3', version: 'q4_k_m' }, 'llama3-q4_k_m', { matches: true }],
    [{ model: 'llama3', version: 'q4_k_m' }, 'q4_k_m', { matches: true }],
  ])('%j answered as %s matches', (pin, reported, expected) => {
    expect(checkReportedModel(pin, reported)).toEqual(expected);
  });

  it.each([
    [{ model: 'gpt-4o-2024-08-06' }, 'gpt-4o-2024-11-20'],
    [{ model: 'claude-sonnet-4-20250514' }, 'claude-sonnet-4-5-20250929'],
    [{ model: 'gpt-4o' }, 'gpt-4o-mini-2024-07-18'],
    [{ model: 'gpt-4o' }, 'gpt-4.1'],
    [{ model: 'llama3', version: 'q4_k_m' }, 'llama3-q8_0'],
  ])('%j answered as %s is drift', (pin, reported) => {
    const check = checkReportedModel(pin, reported);
    expect(check.matches).toBe(false);
    expect(check).toMatchObject({ reason: expect.stringContaining(reported) });
  });
});

describe('DriftTracker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const pins = new Map([
    ['openai/gpt-4o', { model: 'gpt-4o' }],
    ['openai/pinned', { model: 'gpt-4o-2024-08-06' }],
  ]);

  function tracker(overrides: Partial<ConstructorParameters<typeof DriftTracker>[0]> = {}) {
    const events: DriftEvent[] = [];
    let time = 1000;
    const instance = new DriftTracker({ pins, onDrift: (event) => events.push(event), now: () => time++, ...overrides });
    return { instance, events };
  }

  it('records the first sighting of each (deployment, model, fingerprint) once, and the resolved version of an alias', () => {
    const { instance, events } = tracker();
    for (let index = 0; index < 3; index++) instance.observe('openai/gpt-4o', 'gpt-4o-2024-08-06', 'fp_1');
    instance.observe('openai/pinned', 'gpt-4o-2024-08-06');
    instance.observe('unknown/deployment', 'whatever');
    expect(instance.sightings()).toEqual([
      { deployment: 'openai/gpt-4o', reportedModel: 'gpt-4o-2024-08-06', fingerprint: 'fp_1', pinnedModel: 'gpt-4o', firstSeen: 1000, resolvedVersion: 'gpt-4o-2024-08-06' },
      { deployment: 'openai/pinned', reportedModel: 'gpt-4o-2024-08-06', pinnedModel: 'gpt-4o-2024-08-06', firstSeen: 1001 },
    ]);
    expect(events).toEqual([]);
  });

  it('flags a model other than the pin, a new version behind an alias, and a new fingerprint, each once', () => {
    const { instance, events } = tracker();
    instance.observe('openai/pinned', 'gpt-4o-2024-11-20');
    instance.observe('openai/pinned', 'gpt-4o-2024-11-20');
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-08-06', 'fp_1');
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-08-06', 'fp_2');
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-11-20', 'fp_3');
    // Back to a fingerprint already seen: nothing new.
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-08-06', 'fp_1');
    expect(events.map((event) => [event.deployment, event.reportedModel, event.fingerprint, event.drift.kind])).toEqual([
      ['openai/pinned', 'gpt-4o-2024-11-20', undefined, 'model_mismatch'],
      ['openai/gpt-4o', 'gpt-4o-2024-08-06', 'fp_2', 'fingerprint_changed'],
      ['openai/gpt-4o', 'gpt-4o-2024-11-20', 'fp_3', 'resolved_version_changed'],
    ]);
    expect(events[0]!.drift.reason).toBe('pinned to gpt-4o-2024-08-06, answered by gpt-4o-2024-11-20');
    expect(events[2]!.drift.reason).toBe('gpt-4o now resolves to gpt-4o-2024-11-20 (before: gpt-4o-2024-08-06)');
  });

  it('is a RequestObserver: reads the answering deployment, reported model and fingerprint of a summary', () => {
    const { instance, events } = tracker();
    const summary = { requestId: 'r', startedAt: 0, durationMs: 1, endpoint: 'chat' as const, stream: false, requestedModel: 'm', status: 200, attempts: [] };
    instance.onRequestEnd({ ...summary });
    instance.onRequestEnd({ ...summary, deployment: 'openai/pinned', upstreamModel: 'gpt-4o-2024-11-20', systemFingerprint: 'fp_9' });
    expect(events.map((event) => event.fingerprint)).toEqual(['fp_9']);
  });

  it('counts drifts per deployment in Prometheus, and clears the drifted gauge when the pin changes', async () => {
    const registry = new Registry();
    const { instance } = tracker({ metrics: new DriftMetrics(registry) });
    instance.observe('openai/pinned', 'gpt-4o-2024-11-20');
    let text = await registry.metrics();
    expect(text).toContain('switchyard_model_drift_total{deployment="openai/pinned",kind="model_mismatch"} 1');
    expect(text).toContain('switchyard_model_drifted{deployment="openai/pinned"} 1');
    instance.updatePins(new Map([['openai/pinned', { model: 'gpt-4o-2024-11-20' }]]));
    text = await registry.metrics();
    expect(text).toContain('switchyard_model_drifted{deployment="openai/pinned"} 0');
    // Under the new pin the same answer is no drift.
    instance.observe('openai/pinned', 'gpt-4o-2024-11-20');
    expect(await registry.metrics()).toContain('switchyard_model_drift_total{deployment="openai/pinned",kind="model_mismatch"} 1');
  });

  it('does not re-report what it loaded from the store, and compares new versions with it', () => {
    const { instance, events } = tracker();
    const stored: ModelVersionSighting[] = [
      { deployment: 'openai/gpt-4o', reportedModel: 'gpt-4o-2024-08-06', fingerprint: 'fp_1', pinnedModel: 'gpt-4o', firstSeen: 5, resolvedVersion: 'gpt-4o-2024-08-06' },
    ];
    instance.load(stored);
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-08-06', 'fp_1');
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-11-20', 'fp_1');
    expect(events.map((event) => event.drift.kind)).toEqual(['resolved_version_changed']);
  });

  it('persists sightings in batches off the request path, and keeps them for a retry when the store fails', async () => {
    vi.useFakeTimers();
    const written: ModelVersionSighting[][] = [];
    let failing = true;
    const errors: unknown[] = [];
    const { instance } = tracker({
      flushIntervalMs: 500,
      onError: (error) => errors.push(error),
      sink: {
        recordSightings: async (sightings) => {
          if (failing) throw new Error('database down');
          written.push([...sightings]);
        },
      },
    });
    instance.observe('openai/gpt-4o', 'gpt-4o-2024-08-06');
    instance.observe('openai/pinned', 'gpt-4o-2024-08-06');
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(errors).toHaveLength(1);
    failing = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(written.map((batch) => batch.map((sighting) => sighting.deployment))).toEqual([['openai/gpt-4o', 'openai/pinned']]);
    instance.observe('openai/pinned', 'gpt-4o-2024-11-20');
    await instance.close();
    expect(written).toHaveLength(2);
  });

  it('keeps going when onDrift throws', () => {
    const errors: unknown[] = [];
    const { instance } = tracker({
      onDrift: () => {
        throw new Error('eval runner down');
      },
      onError: (error) => errors.push(error),
    });
    instance.observe('openai/pinned', 'gpt-4o-2024-11-20');
    expect(errors).toHaveLength(1);
    expect(instance.sightings()).toHaveLength(1);
  });
});

describe('versionPins', () => {
  it('takes each deployment upstream model and version from the config', () => {
    const pinsFromConfig = versionPins({
      deployments: {
        a: { id: 'a', model: 'gpt-4o' },
        b: { id: 'b', model: 'llama3', version: 'q4' },
      } as unknown as Parameters<typeof versionPins>[0]['deployments'],
    });
    expect([...pinsFromConfig]).toEqual([
      ['a', { model: 'gpt-4o' }],
      ['b', { model: 'llama3', version: 'q4' }],
    ]);
  });

  it('pins a simulated deployment to the id it reports, so the demo is not drift but a changed model still is', () => {
    const config = loadConfigText(
      [
        'providers:',
        '  sim: { type: simulated }',
        '  local: { type: openai, base_url: http://127.0.0.1:9100/v1 }',
        'models:',
        '  small: { deployments: [{ provider: sim, model: llama-3.1-8b-instruct }] }',
        '  real: { deployments: [{ provider: local, model: llama-3.1-8b-instruct }] }',
      ].join('\n'),
      'pins.yaml',
    );
    const pins = versionPins(config);
    expect(pins.get('sim/llama-3.1-8b-instruct')).toEqual({ model: 'simulated/llama-3.1-8b-instruct' });
    expect(pins.get('local/llama-3.1-8b-instruct')).toEqual({ model: 'llama-3.1-8b-instruct' });
    const drifts: DriftEvent[] = [];
    const instance = new DriftTracker({ pins, onDrift: (event) => drifts.push(event) });
    instance.observe('sim/llama-3.1-8b-instruct', 'simulated/llama-3.1-8b-instruct');
    expect(drifts).toEqual([]);
    instance.observe('sim/llama-3.1-8b-instruct', 'simulated/llama-3.1-70b-instruct');
    expect(drifts.map((event) => event.drift.kind)).toEqual(['model_mismatch']);
  });
});
