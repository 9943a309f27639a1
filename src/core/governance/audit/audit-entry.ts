/**
 * One audit-log entry. The log is append-only: the store has functions to append and list, none to
 * change or remove, and the table refuses UPDATE and DELETE (migration 0004).
 */
export interface AuditEntry {
  /** Increasing in the order entries were written. */
  id: number;
  /** Unix milliseconds. */
  time: number;
  /** The admin key's name, or `local` (loopback admin without a key, the CLI, the gateway itself). */
  actor: string;
  /** `config.reload`, `registry.change`, `policy.change`, `admin.<action>`… */
  action: string;
  /** What was acted on: a config file, `models.<name>`, `workloads.<name>`, a deployment… */
  target: string;
  /** Action-specific data (a config diff summary, the request's parameters); never secrets. */
  details?: Record<string, unknown>;
  /** The config generation in force after the action. */
  configGeneration?: number;
}

export type AuditEntryInput = Omit<AuditEntry, 'id'>;

export interface ListAuditFilter {
  /** Inclusive, Unix milliseconds. */
  since?: number;
  /** Only this action. */
  action?: string;
  /** Page size; default 100, at most 1000. */
  limit?: number;
}

/** Where audit entries go. Appends are transactional: a batch is stored whole or not at all. */
export interface AuditSink {
  appendAudit(entries: readonly AuditEntryInput[]): Promise<void>;
}

/** The audit log as the admin API reads it. */
export interface AuditLog extends AuditSink {
  /** Newest first: the latest `limit` entries at or after `since`. */
  listAudit(filter?: ListAuditFilter): Promise<AuditEntry[]>;
}

/** Actor for actions taken without an admin key (loopback admin, the CLI, the gateway itself). */
export const LOCAL_ACTOR = 'local';
