import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ChatCall } from '../../spec/chat-call.js';
import { canonicalJson } from '../../core/cache/canonical-json.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { resolveRoute } from '../../core/routing/resolve-route.js';
import type { ScorerSpec, ScorerSpecInput } from '../scorers/scorer-spec.js';
import type { EvalCaseResult } from './eval-case-result.js';
import { JsonLinesAppender, readJsonLines } from './results-file.js';

/** Where answers are kept between runs, relative to the working directory. */
export const DEFAULT_EVAL_CACHE_DIRECTORY = '.switchyard/eval-cache';
const CACHE_FILE = 'results.jsonl';

/** A cached answer and its score: everything of a result except who asked and whether it was cached. */
export type CachedAnswer = Omit<EvalCaseResult, 'id' | 'model' | 'tags' | 'cached'>;

interface CacheEntry {
  key: string;
  value: CachedAnswer;
}

function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.key === 'string' && typeof record.value === 'object' && record.value !== null;
}

/**
 * What the model name stands for right now: every deployment it may reach (provider, upstream model
 * id, pinned version), plus the workload's settings for `workload/<name>`. A new version or a
 * routing change gives a different fingerprint, so stale answers are never reused.
 */
export function modelFingerprint(runtime: GatewayRuntime, model: string): string {
  const plan = resolveRoute(runtime, { model, kind: 'chat' });
  const deployments = plan.groups.flatMap((group) =>
    group.targets.map((target) => ({
      id: target.deployment.id,
      provider: target.deployment.provider,
      model: target.deployment.model,
      version: target.deployment.version,
    })),
  );
  const workload = plan.workload === undefined ? undefined : runtime.config.workloads[plan.workload];
  return canonicalJson({ deployments, workload: workload === undefined ? undefined : JSON.parse(JSON.stringify(workload, setsAsArrays)) });
}

function setsAsArrays(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...(value as Set<unknown>)];
  if (value instanceof Map) return Object.fromEntries(value as Map<string, unknown>);
  return value;
}

/** The cache key of one case: the model's fingerprint, the exact call sent, and how it is scored. */
export function evalCacheKey(fingerprint: string, call: ChatCall, scorer: ScorerSpec | ScorerSpecInput, judgeModel: string | undefined): string {
  return createHash('sha256').update(canonicalJson({ fingerprint, call, scorer, judgeModel })).digest('hex');
}

/**
 * A JSONL file of answers keyed by `evalCacheKey`, read once when opened and appended to as answers
 * arrive. Eval sets are small enough to keep in memory.
 */
export class EvalResultCache {
  private constructor(
    private readonly entries: Map<string, CachedAnswer>,
    private readonly appender: JsonLinesAppender,
  ) {}

  static async open(directory: string = DEFAULT_EVAL_CACHE_DIRECTORY): Promise<EvalResultCache> {
    const file = join(directory, CACHE_FILE);
    const entries = new Map<string, CachedAnswer>();
    for (const entry of await readJsonLines(file, isCacheEntry)) entries.set(entry.key, entry.value);
    return new EvalResultCache(entries, new JsonLinesAppender(file));
  }

  get(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    this.entries.set(key, value);
    await this.appender.append({ key, value });
  }

  flush(): Promise<void> {
    return this.appender.flush();
  }
}
