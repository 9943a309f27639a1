import type { ChatCall } from '../../../spec/chat-call.js';
import type { RoutingContext } from '../router.js';
import { CallTokenCounts } from '../tokens/count-input-tokens.js';
import { tokenizerForDeployment, type TokenizedDeployment } from '../tokens/deployment-tokenizer.js';
import type { TokenizerFamily } from '../tokens/tokenizer-family.js';

/** Header carrying the task tag. */
export const TASK_HEADER = 'x-switchyard-task';
/** Prefix of headers carrying request metadata (`x-switchyard-meta-tier: premium`). */
export const METADATA_HEADER_PREFIX = 'x-switchyard-meta-';

export interface RoutingContextOptions {
  workload: string;
  task?: string;
  metadata?: Readonly<Record<string, string>>;
  /** How a logical model counts tokens: its first deployment's upstream model and provider type. */
  tokenizerForModel: (model: string) => TokenizerFamily;
  /** The prompt's embedding, when the workload's learned router reads one. */
  promptEmbedding?: ArrayLike<number>;
  /** The request's token counts, shared with its context checks (default: counts of its own). */
  tokenCounts?: CallTokenCounts;
}

/**
 * A RoutingContext for one request. Token counts are computed only when a router asks, and
 * kept per tokenizer family (`CallTokenCounts`), so two models sharing a tokenizer cost one count.
 */
export function createRoutingContext(call: ChatCall, options: RoutingContextOptions): RoutingContext {
  const { tokenizerForModel } = options;
  const counts = options.tokenCounts ?? new CallTokenCounts(call);
  return {
    call,
    workload: options.workload,
    task: options.task,
    metadata: options.metadata ?? {},
    inputTokens: (model) => counts.count(tokenizerForModel(model)),
    ...(options.promptEmbedding === undefined ? {} : { promptEmbedding: options.promptEmbedding }),
  };
}

/**
 * `tokenizerForModel` for a config: each logical model's tokenizer is its first deployment's,
 * computed once here rather than per request. Unknown models count as `generic` (the most
 * conservative estimate).
 */
export function createTokenizerForModel(
  models: Readonly<Record<string, { deployments: readonly TokenizedDeployment[] }>>,
): (model: string) => TokenizerFamily {
  const families = new Map<string, TokenizerFamily>();
  for (const [name, model] of Object.entries(models)) {
    const first = model.deployments[0];
    if (first) families.set(name, tokenizerForDeployment(first));
  }
  return (model) => families.get(model) ?? 'generic';
}

export interface RoutingHints {
  task?: string;
  metadata: Record<string, string>;
}

/**
 * Task tag and metadata of a request: the body's `metadata` object (string values; others are
 * ignored, since rules compare strings) overlaid by `x-switchyard-meta-<key>` headers; the task is
 * the `x-switchyard-task` header, else `metadata.task`.
 */
export function routingHintsFrom(headers: Headers | Readonly<Record<string, string | undefined>>, bodyMetadata: unknown): RoutingHints {
  const metadata: Record<string, string> = {};
  if (bodyMetadata !== null && typeof bodyMetadata === 'object' && !Array.isArray(bodyMetadata)) {
    for (const [key, value] of Object.entries(bodyMetadata)) {
      if (typeof value === 'string') metadata[key] = value;
    }
  }
  let taskHeader: string | undefined;
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === TASK_HEADER) taskHeader = value;
    else if (lower.startsWith(METADATA_HEADER_PREFIX) && lower.length > METADATA_HEADER_PREFIX.length) {
      metadata[lower.slice(METADATA_HEADER_PREFIX.length)] = value;
    }
  }
  const task = taskHeader ?? metadata['task'];
  return task === undefined ? { metadata } : { task, metadata };
}
