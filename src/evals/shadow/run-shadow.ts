import type { ChatCall } from '../../spec/chat-call.js';
import { askInBackground } from '../../core/evaluation/ask-in-background.js';
import type { ShadowOutcome, ShadowPair } from '../../core/evaluation/evaluation-records.js';
import type { CapturedResponse } from '../../core/pipeline/request-summary.js';
import { redactText } from '../../core/redaction/index.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { createPairwiseJudge, type AskModel, type PairwiseWinner } from '../judges/index.js';
import { judgeAnswer, judgeMessages } from '../online/sample-conversation.js';
import type { ShadowPlan } from './shadow-plan.js';
import { renderShadowPrompt } from './shadow-prompt.js';

const OUTCOME_OF_WINNER: Record<PairwiseWinner, ShadowOutcome> = { a: 'strong_better', b: 'cheap_better', tie: 'tie' };

/**
 * Runs one shadow: gets the answer the client did not receive (the cascade's rejected cheap answer
 * when the request kept it, else the other tier asked in the background, restricted by the
 * workload's data policy) and has the workload's shadow judge compare the pair in both orders.
 * Resolves to the pair to store, never rejects on a model or policy failure: those make the pair
 * `unjudged` with the reason. `time` is the request's (Unix ms).
 */
export async function runShadow(runtime: GatewayRuntime, plan: ShadowPlan, time: number): Promise<ShadowPair> {
  const costs = new CostTally();
  const call = plan.sample.call;
  const pair: ShadowPair = {
    requestId: plan.requestId,
    time,
    workload: plan.workload,
    router: plan.router,
    served: plan.served,
    cheapModel: plan.cheapModel,
    strongModel: plan.strongModel,
    judgeModel: plan.judge.model,
    outcome: 'unjudged',
    ...(plan.routerScore === undefined ? {} : { routerScore: plan.routerScore }),
    prompt: redactText(renderShadowPrompt(call.messages)).text,
  };
  const finish = (fields: Pick<ShadowPair, 'outcome'> & Partial<ShadowPair>): ShadowPair => {
    const costUsd = costs.total();
    return { ...pair, ...fields, ...(costUsd === undefined ? {} : { costUsd }) };
  };

  let other: CapturedResponse;
  if (plan.otherAnswer) other = plan.otherAnswer;
  else {
    try {
      const answer = await askInBackground(runtime, { workload: plan.workload, model: plan.shadowModel, call: withoutClientSignal(call) });
      costs.add(answer.costUsd);
      other = { content: answer.result.content, finishReason: answer.result.finishReason.unified };
    } catch (error) {
      costs.add(backgroundCostOf(error));
      return finish({ outcome: 'unjudged', reason: `shadow answer from ${plan.shadowModel} failed: ${messageOf(error)}` });
    }
  }

  const ask: AskModel = async (model, judgeCall) => {
    try {
      const answer = await askInBackground(runtime, { workload: plan.workload, model, call: judgeCall });
      costs.add(answer.costUsd);
      return answer.result;
    } catch (error) {
      costs.add(backgroundCostOf(error));
      throw error;
    }
  };
  const judge = createPairwiseJudge({
    ask,
    model: plan.judge.model,
    maxOutputTokens: plan.judge.max_output_tokens,
    ...(plan.judge.rubric === undefined ? {} : { rubric: plan.judge.rubric }),
  });
  const [strong, cheap] = plan.served === 'strong' ? [plan.sample.response, other] : [other, plan.sample.response];
  // The strong answer is always A: the judge asks both orders, so the position carries no bias.
  const verdict = await judge.compare({
    case: { id: plan.requestId, messages: judgeMessages(call.messages), tags: [] },
    answerA: judgeAnswer(strong),
    answerB: judgeAnswer(cheap),
  });
  if (verdict.status === 'unjudged') return finish({ outcome: 'unjudged', reason: verdict.reason });
  return finish({ outcome: OUTCOME_OF_WINNER[verdict.winner], consistent: verdict.consistent });
}

/** The client's call for a background ask: its settings, tools and response format, not its abort signal. */
function withoutClientSignal(call: ChatCall): ChatCall {
  const { abortSignal: _clientSignal, ...rest } = call;
  return rest;
}

/** What a failed background call cost: askInBackground attaches it; a call refused before any attempt cost nothing. */
function backgroundCostOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'backgroundCostUsd' in error) {
    const cost = error.backgroundCostUsd;
    return typeof cost === 'number' ? cost : undefined;
  }
  return 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Sums call costs; the total is unknown once any call could not be priced (a partial sum would understate). */
class CostTally {
  #sum = 0;
  #unknown = false;

  add(costUsd: number | undefined): void {
    if (costUsd === undefined) this.#unknown = true;
    else this.#sum += costUsd;
  }

  total(): number | undefined {
    return this.#unknown ? undefined : this.#sum;
  }
}
