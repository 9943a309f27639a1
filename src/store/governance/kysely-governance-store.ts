import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditEntry, AuditEntryInput, AuditLog, ListAuditFilter } from '../../core/governance/audit/audit-entry.js';
import {
  DRIFT_KINDS,
  type DriftKind,
  type ListSightingsFilter,
  type ModelVersionSighting,
  type SightingLog,
} from '../../core/governance/drift/model-version-sighting.js';
import type { ExposureTraffic, ExposureTrafficQuery, ExposureTrafficSource } from '../../core/governance/exposure/exposure-traffic.js';
import { LIFECYCLES, type Lifecycle } from '../../core/governance/registry/registry-config.js';
import type { RegistryStateEntry, RegistryStateStore } from '../../core/governance/registry-state/registry-state-entry.js';
import type { RequestLogDatabase } from '../request-log-database.js';
import type { AuditLogRow, GovernanceDatabase, ModelVersionSightingRow, RegistryStateRow } from './governance-database.js';

/** Everything governance keeps in the database. There is deliberately no way to change or remove an audit entry. */
export interface GovernanceStore extends AuditLog, SightingLog, ExposureTrafficSource, RegistryStateStore {}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
/** Rows per INSERT, well under both databases' bound-parameter limits. */
const ROWS_PER_STATEMENT = 200;

/** Governance queries over Kysely; the same statements run on SQLite and PostgreSQL. */
export class KyselyGovernanceStore implements GovernanceStore {
  readonly #db: Kysely<GovernanceDatabase>;

  /** Shares the request log's connection (its tables are joined by the exposure query). */
  constructor(db: Kysely<RequestLogDatabase>) {
    this.#db = db.withTables<Pick<GovernanceDatabase, 'audit_log' | 'model_version_sightings' | 'registry_state' | 'request_attempts'>>();
  }

  async appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => ({
      time_ms: entry.time,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details_json: entry.details === undefined ? null : JSON.stringify(entry.details),
      config_generation: entry.configGeneration ?? null,
    }));
    await this.#db.transaction().execute(async (transaction) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        await transaction.insertInto('audit_log').values(rows.slice(start, start + ROWS_PER_STATEMENT)).execute();
      }
    });
  }

  async listAudit(filter: ListAuditFilter = {}): Promise<AuditEntry[]> {
    let query = this.#db.selectFrom('audit_log').selectAll();
    if (filter.since !== undefined) query = query.where('time_ms', '>=', filter.since);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    const rows = await query.orderBy('id', 'desc').limit(pageSize(filter.limit)).execute();
    return rows.map(toAuditEntry);
  }

  async recordSightings(sightings: readonly ModelVersionSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    const rows = sightings.map(toSightingRow);
    await this.#db.transaction().execute(async (transaction) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        await transaction
          .insertInto('model_version_sightings')
          .values(rows.slice(start, start + ROWS_PER_STATEMENT))
          // Several replicas see the same first sighting; the earliest stored one stands.
          .onConflict((conflict) => conflict.columns(['deployment', 'pinned_model', 'pinned_version', 'reported_model', 'fingerprint']).doNothing())
          .execute();
      }
    });
  }

  async listSightings(filter: ListSightingsFilter = {}): Promise<ModelVersionSighting[]> {
    let query = this.#db.selectFrom('model_version_sightings').selectAll();
    if (filter.since !== undefined) query = query.where('first_seen_ms', '>=', filter.since);
    if (filter.deployment !== undefined) query = query.where('deployment', '=', filter.deployment);
    if (filter.driftOnly === true) query = query.where('drift_kind', 'is not', null);
    const rows = await query
      .orderBy('first_seen_ms', 'desc')
      .orderBy('deployment')
      .orderBy('reported_model')
      .orderBy('fingerprint')
      .limit(pageSize(filter.limit))
      .execute();
    return rows.map(toSighting);
  }

  async setRegistryState(entry: RegistryStateEntry): Promise<void> {
    const row = toRegistryStateRow(entry);
    const { model: _model, ...changes } = row;
    await this.#db
      .insertInto('registry_state')
      .values(row)
      .onConflict((conflict) => conflict.column('model').doUpdateSet(changes))
      .execute();
  }

  async listRegistryState(): Promise<RegistryStateEntry[]> {
    const rows = await this.#db.selectFrom('registry_state').selectAll().orderBy('model').execute();
    return rows.map(toRegistryStateEntry);
  }

  /**
   * Three grouped range scans, each answered from a covering index alone (migration 0004): the
   * target's requests by workload, the target's attempts by workload (attempts carry their
   * request's time and workload, so no join), then the totals of the workloads involved.
   */
  async exposureTraffic(query: ExposureTrafficQuery): Promise<ExposureTraffic> {
    const deployments = [...new Set(query.deployments)];
    if (deployments.length === 0) return { workloads: [], answered: [], attempts: [] };
    const answered = await this.#db
      .selectFrom('requests')
      .where('deployment', 'in', deployments)
      .where('time_ms', '>=', query.since)
      .where('time_ms', '<', query.until)
      .select(['workload', 'deployment', sql<number>`count(*)`.as('requests')])
      .groupBy(['workload', 'deployment'])
      .execute();
    const attempts = await this.#db
      .selectFrom('request_attempts')
      .where('deployment', 'in', deployments)
      .where('time_ms', '>=', query.since)
      .where('time_ms', '<', query.until)
      .select(['workload', 'deployment', sql<number>`count(*)`.as('attempts'), sql<number>`coalesce(sum(cost_usd), 0)`.as('cost_usd')])
      .groupBy(['workload', 'deployment'])
      .execute();
    const involved = [...answered, ...attempts].map((row) => row.workload);
    const named = [...new Set([...query.workloads, ...involved].filter((workload): workload is string => workload !== null))];
    const totalsOf = (workloads: 'unnamed' | string[]) =>
      this.#db
        .selectFrom('requests')
        .where((eb) => (workloads === 'unnamed' ? eb('workload', 'is', null) : eb('workload', 'in', workloads)))
        .where('time_ms', '>=', query.since)
        .where('time_ms', '<', query.until)
        .select(['workload', sql<number>`count(*)`.as('requests'), sql<number>`coalesce(sum(cost_usd), 0)`.as('cost_usd')])
        .groupBy('workload')
        .execute();
    // Separate statements: `workload in (…) or workload is null` would defeat the index.
    const totals = [...(named.length === 0 ? [] : await totalsOf(named)), ...(involved.includes(null) ? await totalsOf('unnamed') : [])];
    return {
      workloads: totals.map((row) => ({ workload: row.workload, requests: Number(row.requests), costUsd: Number(row.cost_usd) })),
      answered: answered.flatMap((row) => (row.deployment === null ? [] : [{ workload: row.workload, deployment: row.deployment, requests: Number(row.requests) }])),
      attempts: attempts.map((row) => ({ workload: row.workload, deployment: row.deployment, attempts: Number(row.attempts), costUsd: Number(row.cost_usd) })),
    };
  }
}

function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
}

function toAuditEntry(row: Selectable<AuditLogRow>): AuditEntry {
  return {
    id: Number(row.id),
    time: Number(row.time_ms),
    actor: row.actor,
    action: row.action,
    target: row.target,
    ...(row.details_json === null ? {} : { details: JSON.parse(row.details_json) as Record<string, unknown> }),
    ...(row.config_generation === null ? {} : { configGeneration: Number(row.config_generation) }),
  };
}

function toSightingRow(sighting: ModelVersionSighting): ModelVersionSightingRow {
  return {
    deployment: sighting.deployment,
    reported_model: sighting.reportedModel,
    fingerprint: sighting.fingerprint ?? '',
    pinned_model: sighting.pinnedModel,
    pinned_version: sighting.pinnedVersion ?? '',
    first_seen_ms: sighting.firstSeen,
    resolved_version: sighting.resolvedVersion ?? null,
    drift_kind: sighting.drift?.kind ?? null,
    drift_reason: sighting.drift?.reason ?? null,
  };
}

function toSighting(row: ModelVersionSightingRow): ModelVersionSighting {
  const kind = DRIFT_KINDS.find((candidate): candidate is DriftKind => candidate === row.drift_kind);
  return {
    deployment: row.deployment,
    reportedModel: row.reported_model,
    ...(row.fingerprint === '' ? {} : { fingerprint: row.fingerprint }),
    pinnedModel: row.pinned_model,
    ...(row.pinned_version === '' ? {} : { pinnedVersion: row.pinned_version }),
    firstSeen: Number(row.first_seen_ms),
    ...(row.resolved_version === null ? {} : { resolvedVersion: row.resolved_version }),
    ...(kind === undefined ? {} : { drift: { kind, reason: row.drift_reason ?? '' } }),
  };
}

function toRegistryStateRow(entry: RegistryStateEntry): RegistryStateRow {
  return {
    model: entry.model,
    lifecycle: entry.lifecycle,
    deprecation_date: entry.deprecationDate ?? null,
    reason: entry.reason,
    actor: entry.actor,
    updated_at_ms: entry.updatedAt,
  };
}

function toRegistryStateEntry(row: RegistryStateRow): RegistryStateEntry {
  const lifecycle = LIFECYCLES.find((candidate): candidate is Lifecycle => candidate === row.lifecycle);
  // The table's check constraint makes this unreachable unless the constraint was dropped.
  if (lifecycle === undefined) throw new Error(`registry_state row for model '${row.model}' has an unknown lifecycle '${row.lifecycle}'`);
  return {
    model: row.model,
    lifecycle,
    ...(row.deprecation_date === null ? {} : { deprecationDate: row.deprecation_date }),
    reason: row.reason,
    actor: row.actor,
    updatedAt: Number(row.updated_at_ms),
  };
}
