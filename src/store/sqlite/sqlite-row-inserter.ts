import type Database from 'better-sqlite3';
import type { RequestAttemptRow, RequestRow } from '../request-log-database.js';

/**
 * The request log's batch insert on SQLite, without Kysely. Kysely builds and compiles a
 * multi-row INSERT for every batch and better-sqlite3 prepares it again each time: about a quarter
 * of the request-log worker's CPU, which shares the gateway's core (taking it out cut 7% of the
 * gateway's CPU per request in an interleaved A/B of `bench/overhead-ab.ts`). Here one prepared
 * single-row statement per table is kept and run for each row, inside one transaction, with the
 * same effect as the Kysely path: a request already stored (a replayed spill line) is left as it
 * is, and its attempts are written only when the request was inserted.
 */
export function createSqliteRowInserter(database: Database.Database): (requestRows: RequestRow[], attemptRows: RequestAttemptRow[]) => void {
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
  const insertBatch = database.transaction((requestRows: RequestRow[], attemptRows: RequestAttemptRow[]) => {
    const inserted = new Set<string>();
    for (const row of requestRows) {
      insertRequest ??= prepare('requests', row, '"id"');
      if (insertRequest.run(Object.values(row)).changes > 0) inserted.add(row.id);
    }
    for (const row of attemptRows) {
      if (!inserted.has(row.request_id)) continue;
      insertAttempt ??= prepare('request_attempts', row, '"request_id", "attempt_index"');
      insertAttempt.run(Object.values(row));
    }
  });
  return (requestRows, attemptRows) => insertBatch(requestRows, attemptRows);
}
