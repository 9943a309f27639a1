import { diffConfigs, isEmptyConfigDiff, summarizeConfigDiff, type ConfigDiff, type DiffableConfig, type SectionDiff } from './diff-configs.js';
import { LOCAL_ACTOR, type AuditEntryInput, type AuditSink } from './audit-entry.js';

export interface AuditRecorderOptions {
  now?: () => number;
}

export interface ConfigReloadAudit {
  actor?: string;
  /** The config file reloaded. */
  file: string;
  previous: DiffableConfig;
  next: DiffableConfig;
  /** The generation the new config runs as. */
  generation: number;
}

export interface AuditAction {
  actor?: string;
  target: string;
  details?: Record<string, unknown>;
  generation?: number;
}

/**
 * Writes the audit log's entries for what the gateway and its admins do. Calls are awaited by the
 * caller (none is on the request path), so a failed write is reported to whoever made the change.
 */
export class AuditRecorder {
  readonly #sink: AuditSink;
  readonly #now: () => number;

  constructor(sink: AuditSink, options: AuditRecorderOptions = {}) {
    this.#sink = sink;
    this.#now = options.now ?? Date.now;
  }

  /**
   * A config reload: one `config.reload` entry with the diff, plus one `registry.change` per
   * registry entry and one `policy.change` per workload policy that changed, so those can be
   * listed on their own. Returns the diff.
   */
  async configReloaded(reload: ConfigReloadAudit): Promise<ConfigDiff> {
    const diff = diffConfigs(reload.previous, reload.next);
    const time = this.#now();
    const actor = reload.actor ?? LOCAL_ACTOR;
    const entry = (action: string, target: string, details: Record<string, unknown>): AuditEntryInput => ({
      time,
      actor,
      action,
      target,
      details,
      configGeneration: reload.generation,
    });
    const entries: AuditEntryInput[] = [
      entry('config.reload', reload.file, { changed: !isEmptyConfigDiff(diff), summary: summarizeConfigDiff(diff), diff }),
      ...sectionEntries(diff.registry, (target, change) => entry('registry.change', target, change)),
      ...sectionEntries(diff.policies, (name, change) => entry('policy.change', `workloads.${name}`, change)),
    ];
    await this.#sink.appendAudit(entries);
    return diff;
  }

  /** A registry change made outside a reload (e.g. a lifecycle set through the admin API). */
  registryChanged(action: AuditAction): Promise<void> {
    return this.#append('registry.change', action);
  }

  policyChanged(action: AuditAction): Promise<void> {
    return this.#append('policy.change', action);
  }

  /** Any other admin action; recorded as `admin.<name>`. */
  adminAction(name: string, action: AuditAction): Promise<void> {
    return this.#append(`admin.${name}`, action);
  }

  #append(kind: string, action: AuditAction): Promise<void> {
    return this.#sink.appendAudit([
      {
        time: this.#now(),
        actor: action.actor ?? LOCAL_ACTOR,
        action: kind,
        target: action.target,
        ...(action.details === undefined ? {} : { details: action.details }),
        ...(action.generation === undefined ? {} : { configGeneration: action.generation }),
      },
    ]);
  }
}

function sectionEntries(section: SectionDiff, entry: (target: string, change: Record<string, unknown>) => AuditEntryInput): AuditEntryInput[] {
  return [
    ...section.added.map((target) => entry(target, { change: 'added' })),
    ...section.removed.map((target) => entry(target, { change: 'removed' })),
    ...section.changed.map((changed) => entry(changed.name, { change: 'changed', fields: changed.fields })),
  ];
}
