import { simulatedModelId } from '../../../providers/simulated/index.js';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import type { RequestSummary } from '../../pipeline/request-summary.js';
import { checkReportedModel, type VersionPin } from './check-reported-model.js';
import type { DriftMetrics } from './drift-metrics.js';
import type { DriftEvent, ModelVersionSighting, SightingSink } from './model-version-sighting.js';
import { merged } from '../../../spec/merged.js';

export interface DriftTrackerOptions {
  /** Each deployment's pin, by deployment id (`versionPins(config)`). */
  pins: ReadonlyMap<string, VersionPin>;
  /** Where sightings are persisted, in batches; without it they stay in memory only. */
  sink?: SightingSink;
  metrics?: DriftMetrics;
  /** Called once per drift (e.g. to re-run the evals of the workloads that use the deployment). */
  onDrift?: (event: DriftEvent) => void;
  /** Told when persisting fails or `onDrift` throws; the tracker keeps going. */
  onError?: (error: unknown) => void;
  /** How long sightings wait before a batch is written; default 1000 ms. */
  flushIntervalMs?: number;
  /** Sightings kept for a retry while the sink fails; older ones are dropped past this. Default 10 000. */
  maxPending?: number;
  now?: () => number;
}

/**
 * Each deployment's pin from the config: its upstream model id and optional `version`. A simulated
 * deployment answers as `simulated/<model>` by design, so that is its pin (else every demo request
 * would be reported as drift).
 */
export function versionPins(config: Pick<ResolvedConfig, 'deployments'>): Map<string, VersionPin> {
  return new Map(
    Object.values(config.deployments).map((deployment) => [
      deployment.id,
      {
        model: deployment.providerConfig?.type === 'simulated' ? simulatedModelId(deployment.model) : deployment.model,
        ...(deployment.version === undefined ? {} : { version: deployment.version }),
      },
    ]),
  );
}

/**
 * Watches which model versions answer each deployment. Fed after each request (it is a
 * `RequestObserver`); the common case — a (deployment, model, fingerprint) already seen — is one
 * Set lookup. The first sighting of each is checked against the pin and against what the
 * deployment was seen answering before, recorded, and persisted in batches off the request path.
 */
export class DriftTracker {
  #pins: ReadonlyMap<string, VersionPin>;
  readonly #options: DriftTrackerOptions;
  readonly #now: () => number;
  /** Keys of sightings already handled. */
  readonly #seen = new Set<string>();
  readonly #sightings: ModelVersionSighting[] = [];
  /** Per deployment (and pin): the resolved versions, and per reported model the fingerprints, seen so far. */
  readonly #resolvedVersions = new Map<string, Set<string>>();
  readonly #fingerprints = new Map<string, Set<string>>();
  #pending: ModelVersionSighting[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: DriftTrackerOptions) {
    this.#options = options;
    this.#pins = options.pins;
    this.#now = options.now ?? Date.now;
  }

  /** `RequestObserver`: the answering deployment and what it reported (`systemFingerprint` once summaries carry it). */
  onRequestEnd(summary: RequestSummary & { systemFingerprint?: string }): void {
    if (summary.deployment !== undefined && summary.upstreamModel !== undefined) {
      this.observe(summary.deployment, summary.upstreamModel, summary.systemFingerprint);
    }
  }

  observe(deploymentId: string, reportedModel: string, fingerprint?: string): void {
    const pin = this.#pins.get(deploymentId);
    if (pin === undefined || reportedModel === '') return;
    const pinKey = `${deploymentId}\u0000${pin.model}\u0000${pin.version ?? ''}`;
    const key = `${pinKey}\u0000${reportedModel}\u0000${fingerprint ?? ''}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const sighting = this.#classify(deploymentId, pin, pinKey, reportedModel, fingerprint);
    this.#sightings.push(sighting);
    this.#enqueue(sighting);
    if (sighting.drift !== undefined) this.#drifted(merged(sighting, { drift: sighting.drift }));
  }

  /**
   * Primes the tracker with sightings persisted earlier (at start), so a restart neither re-reports
   * old drifts nor takes an earlier version for the first one.
   */
  load(sightings: readonly ModelVersionSighting[]): void {
    for (const sighting of [...sightings].sort((left, right) => left.firstSeen - right.firstSeen)) {
      const pinKey = `${sighting.deployment}\u0000${sighting.pinnedModel}\u0000${sighting.pinnedVersion ?? ''}`;
      const key = `${pinKey}\u0000${sighting.reportedModel}\u0000${sighting.fingerprint ?? ''}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      this.#sightings.push(sighting);
      this.#remember(pinKey, sighting.reportedModel, sighting.resolvedVersion ?? checkReportedModelResolved(sighting), sighting.fingerprint);
    }
  }

  /** New pins after a config reload; a deployment whose pin changed starts over (its old drift is resolved). */
  updatePins(pins: ReadonlyMap<string, VersionPin>): void {
    for (const [deployment, pin] of this.#pins) {
      const next = pins.get(deployment);
      if (next === undefined || next.model !== pin.model || next.version !== pin.version) this.#options.metrics?.reset(deployment);
    }
    this.#pins = pins;
  }

  /** Every sighting this process knows, oldest first. */
  sightings(): readonly ModelVersionSighting[] {
    return this.#sightings;
  }

  /** Writes the pending sightings now; resolves once they are stored (or the write failed and was reported). */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  #classify(deployment: string, pin: VersionPin, pinKey: string, reportedModel: string, fingerprint: string | undefined): ModelVersionSighting {
    const sighting: ModelVersionSighting = {
      deployment,
      reportedModel,
      ...(fingerprint === undefined ? {} : { fingerprint }),
      pinnedModel: pin.model,
      ...(pin.version === undefined ? {} : { pinnedVersion: pin.version }),
      firstSeen: this.#now(),
    };
    const check = checkReportedModel(pin, reportedModel);
    if (!check.matches) {
      sighting.drift = { kind: 'model_mismatch', reason: check.reason };
    } else if (check.resolvedVersion !== undefined) {
      sighting.resolvedVersion = check.resolvedVersion;
      const earlier = this.#resolvedVersions.get(pinKey);
      if (earlier !== undefined && !earlier.has(check.resolvedVersion)) {
        sighting.drift = {
          kind: 'resolved_version_changed',
          reason: `${pin.model} now resolves to ${check.resolvedVersion} (before: ${[...earlier].join(', ')})`,
        };
      }
    }
    if (sighting.drift === undefined && fingerprint !== undefined) {
      const earlier = this.#fingerprints.get(`${pinKey}\u0000${reportedModel}`);
      if (earlier !== undefined && earlier.size > 0 && !earlier.has(fingerprint)) {
        sighting.drift = { kind: 'fingerprint_changed', reason: `${reportedModel} reports fingerprint ${fingerprint} (before: ${[...earlier].join(', ')})` };
      }
    }
    this.#remember(pinKey, reportedModel, check.matches ? check.resolvedVersion : undefined, fingerprint);
    return sighting;
  }

  #remember(pinKey: string, reportedModel: string, resolvedVersion: string | undefined, fingerprint: string | undefined): void {
    if (resolvedVersion !== undefined) {
      const versions = this.#resolvedVersions.get(pinKey) ?? new Set<string>();
      versions.add(resolvedVersion);
      this.#resolvedVersions.set(pinKey, versions);
    }
    if (fingerprint !== undefined) {
      const modelKey = `${pinKey}\u0000${reportedModel}`;
      const fingerprints = this.#fingerprints.get(modelKey) ?? new Set<string>();
      fingerprints.add(fingerprint);
      this.#fingerprints.set(modelKey, fingerprints);
    }
  }

  #drifted(event: DriftEvent): void {
    this.#options.metrics?.record(event);
    try {
      this.#options.onDrift?.(event);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  #enqueue(sighting: ModelVersionSighting): void {
    if (this.#options.sink === undefined) return;
    this.#pending.push(sighting);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs ?? 1000);
      this.#timer.unref?.();
    }
  }

  async #write(): Promise<void> {
    const sink = this.#options.sink;
    if (sink === undefined || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      await sink.recordSightings(batch);
    } catch (error) {
      // Kept for the next flush (the insert is idempotent), within a bound so an outage cannot grow memory without limit.
      this.#pending = [...batch, ...this.#pending].slice(-(this.#options.maxPending ?? 10_000));
      this.#options.onError?.(error);
      if (this.#timer === undefined) {
        this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs ?? 1000);
        this.#timer.unref?.();
      }
    }
  }
}

/** A persisted sighting without `resolvedVersion` (none was stored): recompute it from its pin. */
function checkReportedModelResolved(sighting: ModelVersionSighting): string | undefined {
  const check = checkReportedModel(
    { model: sighting.pinnedModel, ...(sighting.pinnedVersion === undefined ? {} : { version: sighting.pinnedVersion }) },
    sighting.reportedModel,
  );
  return check.matches ? check.resolvedVersion : undefined;
}
