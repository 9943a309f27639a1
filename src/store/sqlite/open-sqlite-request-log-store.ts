import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type MigrationResultSet } from 'kysely';
import { KyselyRequestLogStore, type RequestLogDialect } from '../kysely-request-log-store.js';
import type { RequestLogDatabase } from '../request-log-database.js';
import { createSqliteRowInserter } from './sqlite-row-inserter.js';

/** The embedded default location, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = '.switchyard/switchyard.db';

export interface SqliteRequestLogStoreOptions {
  /** Database file; `:memory:` for a private in-memory database. Default `.switchyard/switchyard.db`. */
  path?: string;
  /**
   * How long a statement waits for another process's write lock. better-sqlite3 is synchronous, so
   * the wait blocks the event loop: keep it short; a batch that times out is spilled and replayed.
   */
  busyTimeoutMs?: number;
  /** How long `migrate()` waits for another process that is migrating the same file. */
  migrationLockTimeoutMs?: number;
  /**
   * Compute usage percentiles here from the fetched values even when SQLite has `percentile_cont`,
   * as on a build without its percentile extension (the tests cover that path with it).
   */
  inMemoryPercentiles?: boolean;
  /**
   * Write a batch in slices with a short sleep between them (default true), so a worker at nice 10
   * hands its core back to request handling. An idle-priority (SCHED_IDLE) worker turns this off:
   * the kernel preempts it for any request anyway, and on a saturated core it runs only while the
   * request thread yields to it (WorkerStarvationGuard), a yield a 1 ms sleep mid-batch would waste.
   * At 64 connections this served ~13% more requests/s with `idle` (median of 9 pairs; docs/performance.md).
   */
  sliceInserts?: boolean;
}

/**
 * Opens (creating if needed) the SQLite request log. WAL lets readers (the dashboard, the CLI) run
 * while the gateway writes; `synchronous=NORMAL` is durable across process crashes and, in WAL
 * mode, loses at most the last transactions on power loss, never corrupts.
 */
export function openSqliteRequestLogStore(options: SqliteRequestLogStoreOptions = {}): KyselyRequestLogStore {
  const path = options.path ?? DEFAULT_SQLITE_PATH;
  const busyTimeoutMs = options.busyTimeoutMs ?? 2000;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  // busy_timeout first, so switching to WAL waits for a process that has the file open.
  database.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  const dialect: RequestLogDialect = {
    name: 'sqlite',
    percentilesInDatabase: false,
    percentileFunction: options.inMemoryPercentiles !== true && hasPercentileFunction(database),
    withMigrationLock: (run) => withSqliteWriteLock(database, busyTimeoutMs, options.migrationLockTimeoutMs ?? 30_000, run),
    insertRows: createSqliteRowInserter(database, options.sliceInserts === false ? { rowsPerSlice: Number.POSITIVE_INFINITY } : {}),
  };
  const db = new Kysely<RequestLogDatabase>({ dialect: new SqliteDialect({ database }) });
  return new KyselyRequestLogStore(db, dialect);
}

/**
 * Kysely's SQLite adapter takes no migration lock (it assumes one connection), and SQLite DDL is
 * not run in a transaction by the migrator, so two processes could both apply a migration. The whole
 * run therefore happens inside `BEGIN IMMEDIATE`, which holds the file's write lock; Kysely uses
 * this same connection, so its statements join the transaction. The lock is polled asynchronously
 * with busy_timeout at 0 rather than waited for inside SQLite, which would block the event loop.
 */
async function withSqliteWriteLock(
  database: Database.Database,
  busyTimeoutMs: number,
  lockTimeoutMs: number,
  run: () => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  const deadline = Date.now() + lockTimeoutMs;
  database.pragma('busy_timeout = 0');
  try {
    for (;;) {
      try {
        database.exec('BEGIN IMMEDIATE');
        break;
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    database.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  }
  let result: MigrationResultSet;
  try {
    result = await run();
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
  if (!database.inTransaction) return result;
  database.exec(result.error === undefined ? 'COMMIT' : 'ROLLBACK');
  return result;
}

/** SQLite has `percentile_cont` only when built with its percentile extension (better-sqlite3's bundled build is). */
function hasPercentileFunction(database: Database.Database): boolean {
  try {
    database.prepare('select percentile_cont(1, 0.5)').get();
    return true;
  } catch {
    return false;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
