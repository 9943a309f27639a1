import type { ChatCall } from '../../spec/chat-call.js';
import type { ResolvedConfig, ResolvedModel, ResolvedWorkload } from '../config/resolve-config.js';
import { embedderModel, gatewayEmbedder } from './embeddings/gateway-embedders.js';
import { embeddingText } from './embeddings/prompt-embedder.js';
import { routerInputFromCall } from './learned/router-input.js';
import { createTokenizerForModel } from './rules/routing-context.js';
import { preloadTokenizersFor } from './tokens/deployment-tokenizer.js';
import type { TokenizerFamily } from './tokens/tokenizer-family.js';
import { buildCascadeChecks } from './cascade/build-cascade-checks.js';
import type { CascadeCheck } from './cascade/cascade-check.js';
import { createLearnedRouter } from './learned/learned-router.js';
import { createLearnedRouterModel } from './learned/router-artifact.js';
import type { Router } from './router.js';
import { createRulesRouter } from './rules/rules-router.js';

/** A workload's routers, built once per config (rules compiled, artifact loaded, checks compiled). */
export interface WorkloadRouting {
  /** In the order they are asked: rules, then learned. */
  routers: readonly Router[];
  cascade?: { tiers: readonly string[]; checks: readonly CascadeCheck[] };
  /** How each logical model counts input tokens (shared by every workload of the config). */
  tokenizerForModel: (model: string) => TokenizerFamily;
  /**
   * When the learned router reads prompt embeddings: the request's, computed off the request thread
   * before routing, or why there is none (it failed, took longer than `embedding_timeout_ms`, or the
   * client went away first, which also aborts a model embedder's call).
   */
  embedPrompt?: (call: ChatCall, viaModel: EmbedViaModel) => Promise<PromptEmbeddingOutcome>;
}

/**
 * Embeds one text with a logical embedding model of the config, as a request of the workload (the
 * pipeline supplies it: routing, data policy, limits and costing apply); `signal` aborts it.
 */
export type EmbedViaModel = (model: string, text: string, signal: AbortSignal) => Promise<Float32Array>;

/** A routed prompt's embedding, or why there is none (for the route's recorded reason). */
export type PromptEmbeddingOutcome = { vector: Float32Array } | { missing: string };

/** How long a request waits for its prompt embedding by default (`routing.learned.embedding_timeout_ms`). */
export const DEFAULT_EMBEDDING_TIMEOUT_MS = 500;

/** The prompt's embedding from the artifact's embedder: the local encoder, or a configured model. */
function promptEmbedding(embedderName: string, timeoutMs: number): NonNullable<WorkloadRouting['embedPrompt']> {
  const model = embedderModel(embedderName);
  const local = model === undefined ? gatewayEmbedder(embedderName) : undefined;
  return (call, viaModel) =>
    new Promise((resolve) => {
      const controller = new AbortController();
      const giveUp = (missing: string) => {
        clearTimeout(timer);
        controller.abort(new Error(missing));
        resolve({ missing });
      };
      const timer = setTimeout(() => giveUp(`no prompt embedding within ${timeoutMs} ms`), timeoutMs);
      call.abortSignal?.addEventListener('abort', () => giveUp('the request was aborted'), { once: true });
      const text = embeddingText(routerInputFromCall(call));
      const pending = model !== undefined ? viaModel(model, text, controller.signal).then((vector) => [vector]) : local!.embed([text]);
      pending.then(
        ([vector]) => {
          clearTimeout(timer);
          resolve(vector ? { vector } : { missing: 'the encoder returned no vector' });
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve({ missing: `prompt embedding failed: ${error instanceof Error ? error.message : String(error)}` });
        },
      );
    });
}

/** Every workload's routing by name; `readsPromptEmbeddings` says whether any must embed the prompt first. */
export type WorkloadRoutings = ReadonlyMap<string, WorkloadRouting> & { readonly readsPromptEmbeddings: boolean };

const built = new WeakMap<ResolvedConfig, WorkloadRoutings>();

/**
 * The routers of a config's workloads, built on first use and kept for the config's life (a reload
 * brings a new config, so new routers). Kept beside the runtime rather than in it, so the runtime's
 * module does not depend on every router. The gateway builds them when it starts and on reload, off any request.
 */
export function workloadRoutingsOf(config: ResolvedConfig): WorkloadRoutings {
  let routings = built.get(config);
  if (!routings) {
    const map = buildWorkloadRoutings(config.workloads, config.models);
    routings = Object.assign(map, { readsPromptEmbeddings: [...map.values()].some((routing) => routing.embedPrompt !== undefined) });
    built.set(config, routings);
  }
  return routings;
}

/** Builds the routers of every workload that has a `routing` block. */
export function buildWorkloadRoutings(
  workloads: Readonly<Record<string, ResolvedWorkload>>,
  models: Readonly<Record<string, ResolvedModel>>,
): Map<string, WorkloadRouting> {
  const routings = new Map<string, WorkloadRouting>();
  const tokenizerForModel = createTokenizerForModel(models);
  for (const workload of Object.values(workloads)) {
    const routing = workload.routing;
    if (!routing) continue;
    const cascade = routing.cascade ? { tiers: routing.cascade.tiers, checks: buildCascadeChecks(routing.cascade.checks) } : undefined;
    const routers: Router[] = [];
    if (routing.rules?.some((rule) => rule.when.input_tokens !== undefined)) preloadTokenizers(models);
    if (routing.rules && routing.rules.length > 0) routers.push(createRulesRouter(routing.rules, { primaryModel: workload.model, ...(cascade ? { cascadeTiers: cascade.tiers } : {}) }));
    let embedPrompt: WorkloadRouting['embedPrompt'];
    if (routing.learned) {
      const learned = routing.learned;
      const model = createLearnedRouterModel(learned.loaded);
      if (model.embedder !== undefined) embedPrompt = promptEmbedding(model.embedder, learned.embedding_timeout_ms ?? DEFAULT_EMBEDDING_TIMEOUT_MS);
      routers.push(
        createLearnedRouter(model, {
          weak: learned.weak,
          strong: learned.strong,
          ...(learned.threshold === undefined ? {} : { threshold: learned.threshold }),
          ...(learned.cascade_between === undefined ? {} : { cascadeBetween: learned.cascade_between }),
        }),
      );
    }
    routings.set(workload.name, { routers, tokenizerForModel, ...(cascade ? { cascade } : {}), ...(embedPrompt ? { embedPrompt } : {}) });
  }
  return routings;
}

/**
 * Rules on `input_tokens` count with real tokenizers (OpenAI's); their tables load in the
 * background now, so requests count exactly from the first few on (until then the conservative
 * estimate is used). Other workloads never pay the load: context fit tokenizes only near a window.
 */
function preloadTokenizers(models: Readonly<Record<string, ResolvedModel>>): void {
  const deployments = Object.values(models).flatMap((model) => model.deployments);
  // A table that cannot load leaves counts as estimates, which err high.
  preloadTokenizersFor(deployments).catch(() => undefined);
}
