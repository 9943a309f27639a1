import { hash } from 'node:crypto';
import type { ChatCall } from '../../spec/chat-call.js';
import type { ResolvedDeployment } from '../config/resolve-config.js';
import { canonicalJson } from './canonical-json.js';

/** Bumped when the key's contents change, so old entries are never read by a new gateway. */
const KEY_FORMAT = 'switchyard-response-cache/1';

export interface ResponseCacheKeyInput {
  /** The logical route: the workload and the model it starts with. */
  workload: string | undefined;
  model: string;
  /** The deployments that may answer (the route's primary model), each with its pinned version. */
  deployments: ReadonlyArray<Pick<ResolvedDeployment, 'id' | 'model' | 'version'>>;
  call: ChatCall;
}

type UnkeyedField = 'abortSignal' | 'waitClock' | 'user' | 'includeUsage';
type KeyedField = Exclude<keyof ChatCall, UnkeyedField>;

/** What a deployment is pinned to: its model id (`gpt-4o-2024-08-06`) and `version`, when set. */
export function pinnedVersionOf(deployment: Pick<ResolvedDeployment, 'model' | 'version'>): string {
  return deployment.version === undefined ? deployment.model : `${deployment.model}@${deployment.version}`;
}

/**
 * The fields of a ChatCall that shape the answer. Left out: `abortSignal` and `waitClock` (the
 * request's own lifetime and timing), `user` (an end-user id for abuse monitoring; it does not change the output) and
 * `includeUsage` (adapters always ask for usage). Listed one by one, rather than copying the call
 * minus some fields, and typed so that a field added to ChatCall fails to compile until it is
 * placed here (or in `UnkeyedField`) on purpose.
 */
export function generationParametersOf(call: ChatCall): { [Field in KeyedField]: ChatCall[Field] } {
  return {
    messages: call.messages,
    tools: call.tools,
    toolChoice: call.toolChoice,
    parallelToolCalls: call.parallelToolCalls,
    responseFormat: call.responseFormat,
    maxOutputTokens: call.maxOutputTokens,
    temperature: call.temperature,
    topP: call.topP,
    topK: call.topK,
    frequencyPenalty: call.frequencyPenalty,
    presencePenalty: call.presencePenalty,
    stopSequences: call.stopSequences,
    seed: call.seed,
    logprobs: call.logprobs,
    topLogprobs: call.topLogprobs,
    reasoningEffort: call.reasoningEffort,
    reasoningBudgetTokens: call.reasoningBudgetTokens,
    providerOptions: call.providerOptions,
    // Extra upstream headers can switch provider features (betas) on.
    headers: call.headers,
    // Whether an unsupported setting is dropped (an answer with a warning) or refused (an error).
    unsupportedSettings: call.unsupportedSettings,
  };
}

/**
 * SHA-256 (hex) over the route, the pinned deployment versions and every generation parameter,
 * as canonical JSON: the same request always gets the same key, and any change to what shapes
 * the answer gets another one.
 */
export function responseCacheKey(input: ResponseCacheKeyInput): string {
  const material = canonicalJson({
    format: KEY_FORMAT,
    route: { workload: input.workload, model: input.model },
    deployments: input.deployments.map((deployment) => ({ id: deployment.id, model: deployment.model, version: deployment.version })),
    call: generationParametersOf(input.call),
  });
  // One-shot: a Hash object per request is a native handle every young-generation GC visits.
  return hash('sha256', material, 'hex');
}
