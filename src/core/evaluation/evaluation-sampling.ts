import type { ChatCall } from '../../spec/chat-call.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { ChatResult } from '../../spec/chat-result.js';

/** Which background evaluations a request was sampled for. */
export interface SampledFor {
  /** Rate the answer with the workload's online judge. */
  judge: boolean;
  /** Run the other routing tier and compare the pair. */
  shadow: boolean;
}

/**
 * A sampled request's call and answer, handed to the background evaluators with its summary.
 * References, not copies; the call's abort signal is the client's and must not be reused.
 */
export interface EvaluationSample extends SampledFor {
  call: ChatCall;
  /** The answer's content parts (for streams, what was streamed): the pipeline's CapturedResponse. */
  response: { content: ChatResult['content']; finishReason?: string };
}

interface Rates {
  judge: number;
  shadow: number;
}

const ratesByConfig = new WeakMap<ResolvedConfig, ReadonlyMap<string, Rates>>();

function ratesOf(config: ResolvedConfig): ReadonlyMap<string, Rates> {
  let rates = ratesByConfig.get(config);
  if (!rates) {
    const built = new Map<string, Rates>();
    for (const [name, workload] of Object.entries(config.workloads)) {
      const judge = workload.evaluation?.online?.sample_rate ?? 0;
      const shadow = workload.evaluation?.shadow?.sample_rate ?? 0;
      if (judge > 0 || shadow > 0) built.set(name, { judge, shadow });
    }
    rates = built;
    ratesByConfig.set(config, rates);
  }
  return rates;
}

/**
 * Draws the request's samples: undefined (the common case: one map lookup) when its workload
 * evaluates nothing or neither draw hit. Rates are read once per config, not per request.
 */
export function drawEvaluationSample(config: ResolvedConfig, workload: string | undefined, random: () => number = Math.random): SampledFor | undefined {
  if (workload === undefined) return undefined;
  const rates = ratesOf(config).get(workload);
  if (!rates) return undefined;
  const judge = rates.judge > 0 && random() < rates.judge;
  const shadow = rates.shadow > 0 && random() < rates.shadow;
  return judge || shadow ? { judge, shadow } : undefined;
}
