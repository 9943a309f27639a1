import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * Governance (issue 6): the append-only audit log, model-version sightings for drift detection,
 * and the indexes the exposure query needs.
 *
 * `audit_log` refuses UPDATE and DELETE with a trigger, so "append-only" holds for every client of
 * the database, not only for the store's API (which has no update or delete functions either).
 * Its id is a database sequence so entries list in the order they were written.
 *
 * `model_version_sightings` holds the first sighting of each (deployment, pin, reported model,
 * fingerprint); `fingerprint` and `pinned_version` are '' when absent, so they can be in the key.
 *
 * Exposure reads three things over the last N days, each as range scans of a covering index:
 * - the requests the target's deployments answered, by workload: `requests_deployment_time_index`,
 *   widened here from (deployment, time_ms) with `workload`;
 * - the exposed workloads' request counts and cost: `requests_workload_time_index`, widened from
 *   (workload, time_ms) with `cost_usd` (both keep their leading columns, so listings are unchanged);
 * - the attempts on the target's deployments, by workload, with their cost. Joining each request to
 *   its attempts costs a seek per request (4 s for a month of a million requests), so attempts carry
 *   their request's `time_ms` and `workload`, read through `request_attempts_exposure_index`. The
 *   write path should set both; until it does (and for any other writer) a trigger copies them from
 *   the request when they are null, and its WHEN clause makes it free once they are set.
 * Measured with `npm run bench:exposure` (bench/exposure-query.ts).
 */
export const governanceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    if (postgres) {
      await sql`create table audit_log (
        id bigint generated always as identity primary key,
        time_ms bigint not null,
        actor text not null,
        action text not null,
        target text not null,
        details_json text,
        config_generation integer
      )`.execute(db);
      await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
        begin raise exception 'audit_log is append-only'; end $$`.execute(db);
      await sql`create trigger audit_log_no_change before update or delete on audit_log
        for each row execute function audit_log_append_only()`.execute(db);
      await sql`create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_append_only()`.execute(db);
    } else {
      await sql`create table audit_log (
        id integer primary key autoincrement,
        time_ms bigint not null,
        actor text not null,
        action text not null,
        target text not null,
        details_json text,
        config_generation integer
      )`.execute(db);
      await sql`create trigger audit_log_no_update before update on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    }
    await db.schema.createIndex('audit_log_time_index').on('audit_log').columns(['time_ms', 'id']).execute();

    await db.schema
      .createTable('model_version_sightings')
      .addColumn('deployment', 'text', (column) => column.notNull())
      .addColumn('reported_model', 'text', (column) => column.notNull())
      .addColumn('fingerprint', 'text', (column) => column.notNull())
      .addColumn('pinned_model', 'text', (column) => column.notNull())
      .addColumn('pinned_version', 'text', (column) => column.notNull())
      .addColumn('first_seen_ms', 'bigint', (column) => column.notNull())
      .addColumn('resolved_version', 'text')
      .addColumn('drift_kind', 'text')
      .addColumn('drift_reason', 'text')
      .addPrimaryKeyConstraint('model_version_sightings_primary_key', ['deployment', 'pinned_model', 'pinned_version', 'reported_model', 'fingerprint'])
      .execute();
    await db.schema.createIndex('model_version_sightings_time_index').on('model_version_sightings').columns(['first_seen_ms']).execute();

    // Widened in place (same leading columns, so listings use them as before) to cover exposure's reads.
    await db.schema.dropIndex('requests_workload_time_index').execute();
    await db.schema.createIndex('requests_workload_time_index').on('requests').columns(['workload', 'time_ms', 'cost_usd']).execute();
    await db.schema.dropIndex('requests_deployment_time_index').execute();
    await db.schema.createIndex('requests_deployment_time_index').on('requests').columns(['deployment', 'time_ms', 'workload']).execute();
    await db.schema.alterTable('request_attempts').addColumn('time_ms', 'bigint').execute();
    await db.schema.alterTable('request_attempts').addColumn('workload', 'text').execute();
    await sql`update request_attempts set
      time_ms = (select time_ms from requests where requests.id = request_attempts.request_id),
      workload = (select workload from requests where requests.id = request_attempts.request_id)`.execute(db);
    if (postgres) {
      await sql`create function request_attempts_copy_request() returns trigger language plpgsql as $$
        begin
          select requests.time_ms, requests.workload into new.time_ms, new.workload from requests where requests.id = new.request_id;
          return new;
        end $$`.execute(db);
      await sql`create trigger request_attempts_copy_request before insert on request_attempts
        for each row when (new.time_ms is null) execute function request_attempts_copy_request()`.execute(db);
    } else {
      await sql`create trigger request_attempts_copy_request after insert on request_attempts when new.time_ms is null begin
        update request_attempts set
          time_ms = (select time_ms from requests where requests.id = new.request_id),
          workload = (select workload from requests where requests.id = new.request_id)
        where request_id = new.request_id and attempt_index = new.attempt_index;
      end`.execute(db);
    }
    await db.schema
      .createIndex('request_attempts_exposure_index')
      .on('request_attempts')
      .columns(['deployment', 'time_ms', 'workload', 'cost_usd'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('request_attempts_exposure_index').execute();
    await db.schema.dropIndex('requests_deployment_time_index').execute();
    await db.schema.createIndex('requests_deployment_time_index').on('requests').columns(['deployment', 'time_ms']).execute();
    await db.schema.dropIndex('requests_workload_time_index').execute();
    await db.schema.createIndex('requests_workload_time_index').on('requests').columns(['workload', 'time_ms']).execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`drop trigger request_attempts_copy_request on request_attempts`.execute(db);
      await sql`drop function request_attempts_copy_request()`.execute(db);
    } else {
      await sql`drop trigger request_attempts_copy_request`.execute(db);
    }
    await db.schema.alterTable('request_attempts').dropColumn('workload').execute();
    await db.schema.alterTable('request_attempts').dropColumn('time_ms').execute();
    await db.schema.dropTable('model_version_sightings').execute();
    await db.schema.dropTable('audit_log').execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop function audit_log_append_only()`.execute(db);
  },
};
