import { Counter, Gauge, type Registry } from 'prom-client';
import type { DriftEvent } from './model-version-sighting.js';

/**
 * Drift in Prometheus: a counter of drift events per deployment, and a gauge that is 1 for a
 * deployment once it drifted (until its pin changes), for an alert that stays on.
 * Register on the gateway's registry: `new DriftMetrics(gatewayMetrics.registry)`.
 */
export class DriftMetrics {
  readonly #drifts: Counter<'deployment' | 'kind'>;
  readonly #drifted: Gauge<'deployment'>;

  constructor(registry: Registry) {
    this.#drifts = new Counter({
      name: 'switchyard_model_drift_total',
      help: 'Model-version drifts seen: an answer from a model other than the pin, a new version behind a floating alias, or a new system fingerprint.',
      labelNames: ['deployment', 'kind'],
      registers: [registry],
    });
    this.#drifted = new Gauge({
      name: 'switchyard_model_drifted',
      help: '1 for a deployment whose answers drifted from its pin since the pin was last set, else 0.',
      labelNames: ['deployment'],
      registers: [registry],
    });
  }

  record(event: DriftEvent): void {
    this.#drifts.inc({ deployment: event.deployment, kind: event.drift.kind });
    this.#drifted.set({ deployment: event.deployment }, 1);
  }

  /** A deployment's pin changed: its drift is no longer current. */
  reset(deployment: string): void {
    this.#drifted.set({ deployment }, 0);
  }
}
