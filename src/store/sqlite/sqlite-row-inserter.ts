import type Database from 'better-sqlite3';
import type { RequestAttemptRow, RequestRow } from '../request-log-database.js';

/** Requests written between two pauses of a batch insert (with their attempts). */
export const ROWS_PER_SLICE = 50;

export interface SqliteRowInserterOptions {
  /** Requests per slice; default ROWS_PER_SLICE. `Infinity` writes a batch in one go, with no pause. */
  rowsPerSlice?: number;
  /** Waits between slices; default a 1 ms timer. */
  pause?: () => Promise<void>;
}

/**
 * The request log's batch insert on SQLite, without Kysely. Kysely builds and compiles a
 * multi-row INSERT for every batch and better-sqlite3 prepares it again each time: about a quarter
 * of the request-log worker's CPU, which shares the gateway's core (taking it out cut 7% of the
 * gateway's CPU per request in an interleaved A/B of `bench/overhead-ab.ts`). Here one prepared
 * single-row statement per table is kept and run for each row, with the same effect as the Kysely
 * path: a request already stored (a replayed spill line) is left as it is, and its attempts are
 * written only when the request was inserted.
 *
 * The batch is one transaction, written in slices of a few dozen requests with a short sleep
 * between them. better-sqlite3 is synchronous: a 500-record batch kept the worker thread busy for
 * ~15 ms, and where the worker shares a core with request handling (one core, or a busy box) the
 * kernel then gave it the core for whole scheduler ticks, stalling requests by 4 ms at a time.
 * Sleeping between slices hands the core back; one transaction keeps the commit cost per batch.
 * A worker under SCHED_IDLE needs no pauses (the kernel hands the core back the moment a request
 * wants it), and there they cost: see `openSqliteRequestLogStore`'s `sliceInserts`.
 */
export function createSqliteRowInserter(
  database: Database.Database,
  options: SqliteRowInserterOptions = {},
): (requestRows: RequestRow[], attemptRows: RequestAttemptRow[]) => Promise<void> {
  const rowsPerSlice = Math.max(1, options.rowsPerSlice ?? ROWS_PER_SLICE);
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 1)));
  // Rows come from toRequestRow/toAttemptRow, whose objects always have the same keys in the same
  // order: each table's statement is prepared from the first row seen and bound by position.
  let insertRequest: Database.Statement | undefined;
  let insertAttempt: Database.Statement | undefined;
  const prepare = (table: 'requests' | 'request_attempts', row: object, conflict: string): Database.Statement => {
    const columns = Object.keys(row);
    return database.prepare(
      `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict (${conflict}) do nothing`,
    );
  };
  const attemptsByRequest = (attemptRows: RequestAttemptRow[]): Map<string, RequestAttemptRow[]> => {
    const grouped = new Map<string, RequestAttemptRow[]>();
    for (const row of attemptRows) {
      const list = grouped.get(row.request_id);
      if (list) list.push(row);
      else grouped.set(row.request_id, [row]);
    }
    return grouped;
  };

  return async (requestRows, attemptRows) => {
    const attempts = attemptsByRequest(attemptRows);
    database.exec('BEGIN IMMEDIATE');
    try {
      for (let start = 0; start < requestRows.length; start += rowsPerSlice) {
        if (start > 0) await pause();
        for (const row of requestRows.slice(start, start + rowsPerSlice)) {
          insertRequest ??= prepare('requests', row, '"id"');
          if (insertRequest.run(Object.values(row)).changes === 0) continue;
          for (const attempt of attempts.get(row.id) ?? []) {
            insertAttempt ??= prepare('request_attempts', attempt, '"request_id", "attempt_index"');
            insertAttempt.run(Object.values(attempt));
          }
        }
      }
      database.exec('COMMIT');
    } catch (error) {
      if (database.inTransaction) database.exec('ROLLBACK');
      throw error;
    }
  };
}
