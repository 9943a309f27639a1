import { Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogRecord } from '../../../core/telemetry/request-log-record.js';
import type { KyselyRequestLogStore } from '../../kysely-request-log-store.js';
import { governanceMigrationProvider } from '../governance-migrations.js';
import { KyselyGovernanceStore } from '../kysely-governance-store.js';

const DAY = 86_400_000;
export const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

/** A logged request: by default workload `support` answered by `openai/gpt-4o` at a cost of 1. */
export function seededRecord(id: string, overrides: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    id,
    time: NOW - DAY,
    durationMs: 100,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'workload/support',
    workload: 'support',
    routeModel: 'gpt-4o',
    deployment: 'openai/gpt-4o',
    status: 200,
    cacheHit: false,
    costUsd: 1,
    attempts: [{ deployment: 'openai/gpt-4o', provider: 'openai', code: 'ok', latencyMs: 90, costUsd: 1 }],
    ...overrides,
  };
}

/**
 * A small log for exposure: `support` (4 requests in the week, cost 10) and `batch` (2, cost 2),
 * one direct request without a workload, and an old request outside every window used.
 */
export const EXPOSURE_LOG: RequestLogRecord[] = [
  seededRecord('s1'),
  seededRecord('s2'),
  // A fallback from gpt-4o to claude: the failed attempt on gpt-4o still cost 0.5.
  seededRecord('s3', {
    deployment: 'anthropic/claude',
    costUsd: 3.5,
    attempts: [
      { deployment: 'openai/gpt-4o', provider: 'openai', code: 'provider_http_error', latencyMs: 10, costUsd: 0.5 },
      { deployment: 'anthropic/claude', provider: 'anthropic', code: 'ok', latencyMs: 80, costUsd: 3 },
    ],
  }),
  seededRecord('s4', { deployment: 'local/llama', costUsd: 4.5, attempts: [{ deployment: 'local/llama', provider: 'local', code: 'ok', latencyMs: 50, costUsd: 4.5 }] }),
  seededRecord('b1', { workload: 'batch', deployment: 'local/llama', costUsd: 1, attempts: [{ deployment: 'local/llama', provider: 'local', code: 'ok', latencyMs: 50, costUsd: 1 }] }),
  // A judge call on gpt-4o inside a batch request answered by llama.
  seededRecord('b2', {
    workload: 'batch',
    deployment: 'local/llama',
    costUsd: 1,
    attempts: [
      { deployment: 'local/llama', provider: 'local', code: 'ok', latencyMs: 50, costUsd: 0.75 },
      { deployment: 'openai/gpt-4o', provider: 'openai', code: 'ok', latencyMs: 50, costUsd: 0.25, purpose: 'check' },
    ],
  }),
  seededRecord('direct', { workload: undefined, requestedModel: 'gpt-4o', costUsd: 2, attempts: [{ deployment: 'openai/gpt-4o', provider: 'openai', code: 'ok', latencyMs: 50, costUsd: 2 }] }),
  seededRecord('old', { time: NOW - 30 * DAY, costUsd: 100 }),
];

export interface GovernanceStoreLocation {
  open(): KyselyRequestLogStore;
}

/** Opens the request log and migrates it with the governance migration. */
export async function openMigrated(location: GovernanceStoreLocation): Promise<{ requestLog: KyselyRequestLogStore; store: KyselyGovernanceStore }> {
  const requestLog = location.open();
  const result = await new Migrator({ db: requestLog.database, provider: governanceMigrationProvider }).migrateToLatest();
  if (result.error !== undefined) throw result.error;
  return { requestLog, store: new KyselyGovernanceStore(requestLog.database) };
}

/** The governance store's behaviour, run against each dialect. */
export function describeGovernanceStore(name: string, createLocation: () => Promise<GovernanceStoreLocation>): void {
  describe(`${name} migration`, () => {
    it('backfills the time and workload of attempts logged before it, and copies them for attempts written without', async () => {
      const location = await createLocation();
      const before = location.open();
      await before.migrate();
      await before.insertBatch([seededRecord('logged-before', { workload: 'batch' })]);
      await before.close();
      const { requestLog, store } = await openMigrated(location);
      try {
        await requestLog.insertBatch([seededRecord('logged-after')]);
        const traffic = await store.exposureTraffic({ since: NOW - 7 * DAY, until: NOW + 1, deployments: ['openai/gpt-4o'], workloads: [] });
        expect([...traffic.attempts].sort((left, right) => String(left.workload).localeCompare(String(right.workload)))).toEqual([
          { workload: 'batch', deployment: 'openai/gpt-4o', attempts: 1, costUsd: 1 },
          { workload: 'support', deployment: 'openai/gpt-4o', attempts: 1, costUsd: 1 },
        ]);
      } finally {
        await requestLog.close();
      }
    });
  });

  describe(name, () => {
    let requestLog: KyselyRequestLogStore;
    let store: KyselyGovernanceStore;

    beforeEach(async () => {
      ({ requestLog, store } = await openMigrated(await createLocation()));
    });

    afterEach(async () => {
      await requestLog.close();
    });

    it('appends audit entries and lists them newest first, filtered by time and action', async () => {
      await store.appendAudit([
        { time: NOW - 3000, actor: 'local', action: 'config.reload', target: 'switchyard.yaml', details: { summary: 'models: +small' }, configGeneration: 2 },
        { time: NOW - 2000, actor: 'ops', action: 'policy.change', target: 'workloads.support' },
      ]);
      await store.appendAudit([{ time: NOW - 1000, actor: 'ops', action: 'admin.reload', target: 'switchyard.yaml', configGeneration: 3 }]);

      const all = await store.listAudit();
      expect(all.map((entry) => entry.action)).toEqual(['admin.reload', 'policy.change', 'config.reload']);
      expect(all[2]).toEqual({
        id: expect.any(Number),
        time: NOW - 3000,
        actor: 'local',
        action: 'config.reload',
        target: 'switchyard.yaml',
        details: { summary: 'models: +small' },
        configGeneration: 2,
      });
      expect(all[1]).not.toHaveProperty('details');
      expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
      expect((await store.listAudit({ since: NOW - 2000 })).map((entry) => entry.target)).toEqual(['switchyard.yaml', 'workloads.support']);
      expect((await store.listAudit({ action: 'config.reload' })).length).toBe(1);
      expect((await store.listAudit({ limit: 1 })).map((entry) => entry.action)).toEqual(['admin.reload']);
    });

    it('has no way to change or remove an audit entry: no such functions, and the table refuses UPDATE and DELETE', async () => {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((method) => method !== 'constructor');
      expect(methods.sort()).toEqual(['appendAudit', 'exposureTraffic', 'listAudit', 'listRegistryState', 'listSightings', 'recordSightings', 'setRegistryState']);

      await store.appendAudit([{ time: NOW, actor: 'ops', action: 'policy.change', target: 'workloads.support' }]);
      const db = requestLog.database;
      await expect(sql`update audit_log set actor = 'someone-else'`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
      expect((await store.listAudit()).map((entry) => entry.actor)).toEqual(['ops']);
    });

    it('records sightings once and lists them newest first, drifts only on request', async () => {
      const base = { deployment: 'openai/gpt-4o', pinnedModel: 'gpt-4o' };
      await store.recordSightings([
        { ...base, reportedModel: 'gpt-4o-2024-08-06', fingerprint: 'fp_1', firstSeen: NOW - 2000, resolvedVersion: 'gpt-4o-2024-08-06' },
        {
          ...base,
          reportedModel: 'gpt-4o-2024-08-06',
          fingerprint: 'fp_2',
          firstSeen: NOW - 1000,
          resolvedVersion: 'gpt-4o-2024-08-06',
          drift: { kind: 'fingerprint_changed', reason: 'fp_2 after fp_1' },
        },
      ]);
      // Another replica reports the same first sighting later: the earlier one stands.
      await store.recordSightings([{ ...base, reportedModel: 'gpt-4o-2024-08-06', fingerprint: 'fp_1', firstSeen: NOW }]);
      await store.recordSightings([{ deployment: 'local/llama', pinnedModel: 'llama', pinnedVersion: 'q4', reportedModel: 'llama', firstSeen: NOW - 500 }]);

      const all = await store.listSightings();
      expect(all.map((sighting) => [sighting.deployment, sighting.fingerprint ?? null])).toEqual([
        ['local/llama', null],
        ['openai/gpt-4o', 'fp_2'],
        ['openai/gpt-4o', 'fp_1'],
      ]);
      expect(all[0]).toEqual({ deployment: 'local/llama', pinnedModel: 'llama', pinnedVersion: 'q4', reportedModel: 'llama', firstSeen: NOW - 500 });
      expect(all[2]!.firstSeen).toBe(NOW - 2000);
      expect(await store.listSightings({ driftOnly: true })).toEqual([
        {
          ...base,
          reportedModel: 'gpt-4o-2024-08-06',
          fingerprint: 'fp_2',
          firstSeen: NOW - 1000,
          resolvedVersion: 'gpt-4o-2024-08-06',
          drift: { kind: 'fingerprint_changed', reason: 'fp_2 after fp_1' },
        },
      ]);
      expect((await store.listSightings({ deployment: 'local/llama' })).length).toBe(1);
      expect((await store.listSightings({ since: NOW - 1500 })).length).toBe(2);
    });

    it('keeps one live registry state per model: set inserts, setting again replaces, listed by model', async () => {
      expect(await store.listRegistryState()).toEqual([]);
      await store.setRegistryState({ model: 'gpt-4o', lifecycle: 'deprecated', deprecationDate: '2025-09-01', reason: 'provider notice', actor: 'admin', updatedAt: NOW - 1000 });
      await store.setRegistryState({ model: 'llama', lifecycle: 'candidate', reason: 'trial', actor: 'local', updatedAt: NOW - 500 });
      expect(await store.listRegistryState()).toEqual([
        { model: 'gpt-4o', lifecycle: 'deprecated', deprecationDate: '2025-09-01', reason: 'provider notice', actor: 'admin', updatedAt: NOW - 1000 },
        { model: 'llama', lifecycle: 'candidate', reason: 'trial', actor: 'local', updatedAt: NOW - 500 },
      ]);

      await store.setRegistryState({ model: 'gpt-4o', lifecycle: 'retired', reason: 'incident 42', actor: 'ops', updatedAt: NOW });
      const after = await store.listRegistryState();
      expect(after).toHaveLength(2);
      // The date is cleared, not kept from the row it replaced.
      expect(after[0]).toEqual({ model: 'gpt-4o', lifecycle: 'retired', reason: 'incident 42', actor: 'ops', updatedAt: NOW });
    });

    it('refuses registry state rows the policy engine could not read: unknown lifecycle, deprecated without a date', async () => {
      const db = requestLog.database;
      await expect(
        sql`insert into registry_state (model, lifecycle, reason, actor, updated_at_ms) values ('x', 'sunset', 'r', 'a', 1)`.execute(db),
      ).rejects.toThrow(/check/i);
      await expect(store.setRegistryState({ model: 'x', lifecycle: 'deprecated', reason: 'r', actor: 'a', updatedAt: 1 })).rejects.toThrow(/check/i);
      expect(await store.listRegistryState()).toEqual([]);
    });

    it('reads exposure traffic: workload totals, requests answered and attempt cost on the target deployments', async () => {
      await requestLog.insertBatch(EXPOSURE_LOG);
      const traffic = await store.exposureTraffic({ since: NOW - 7 * DAY, until: NOW + 1, deployments: ['openai/gpt-4o'], workloads: ['support', 'unused'] });
      const byWorkload = <T extends { workload: string | null }>(rows: readonly T[]) =>
        [...rows].sort((left, right) => String(left.workload).localeCompare(String(right.workload)));
      expect(byWorkload(traffic.workloads)).toEqual([
        { workload: 'batch', requests: 2, costUsd: 2 },
        { workload: null, requests: 1, costUsd: 2 },
        { workload: 'support', requests: 4, costUsd: 10 },
      ]);
      expect(byWorkload(traffic.answered)).toEqual([
        { workload: null, deployment: 'openai/gpt-4o', requests: 1 },
        { workload: 'support', deployment: 'openai/gpt-4o', requests: 2 },
      ]);
      expect(byWorkload(traffic.attempts)).toEqual([
        { workload: 'batch', deployment: 'openai/gpt-4o', attempts: 1, costUsd: 0.25 },
        { workload: null, deployment: 'openai/gpt-4o', attempts: 1, costUsd: 2 },
        { workload: 'support', deployment: 'openai/gpt-4o', attempts: 3, costUsd: 2.5 },
      ]);
      const none = await store.exposureTraffic({ since: NOW - 7 * DAY, until: NOW + 1, deployments: [], workloads: ['support'] });
      expect(none).toEqual({ workloads: [], answered: [], attempts: [] });
    });
  });
}
