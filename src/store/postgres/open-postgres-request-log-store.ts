import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyRequestLogStore, type RequestLogDialect } from '../kysely-request-log-store.js';
import type { RequestLogDatabase } from '../request-log-database.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface PostgresRequestLogStoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Pool size; default 10. */
  maxConnections?: number;
}

/**
 * Opens the PostgreSQL request log over a `pg` Pool. `bigint` (times, counts) and `numeric` (sums)
 * are parsed as JS numbers on this pool only: they stay far below 2^53 here, and a global
 * `pg.types` change would leak into other users of `pg`.
 */
export function openPostgresRequestLogStore(options: PostgresRequestLogStoreOptions): KyselyRequestLogStore {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Fail fast when the server is down: the writer spills the batch and replays it later.
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would crash the
  // gateway. The next query reports the outage instead.
  pool.on('error', () => {});
  const dialect: RequestLogDialect = {
    name: 'postgres',
    percentilesInDatabase: true,
    // Kysely's PostgreSQL adapter already serialises migrators with `pg_advisory_lock` around a
    // transaction holding all pending migrations, and tolerates racing creation of its own tables.
    withMigrationLock: (run) => run(),
  };
  const db = new Kysely<RequestLogDatabase>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyRequestLogStore(db, dialect);
}
