import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { JudgeConfig } from '../../core/evaluation/evaluation-config.js';
import type { EvaluationSample } from '../../core/evaluation/evaluation-sampling.js';
import type { CapturedResponse, RequestSummary } from '../../core/pipeline/request-summary.js';

/** What a shadow run needs: which tier answered, which one shadows it, and the judge. */
export interface ShadowPlan {
  requestId: string;
  workload: string;
  /** `cascade` (a cascade's tiers, whoever chose them) or `learned` (the learned router picked or cascaded). */
  router: 'cascade' | 'learned';
  served: 'cheap' | 'strong';
  cheapModel: string;
  strongModel: string;
  /** The model to ask for the answer the client did not get. */
  shadowModel: string;
  /**
   * The other answer when the request already produced it: the cheap tier's answer that a cascade
   * check rejected before escalating. Comparing that one is the faithful comparison (a re-ask
   * could answer differently) and costs nothing more.
   */
  otherAnswer?: CapturedResponse;
  judge: JudgeConfig;
  routerScore?: number;
  sample: EvaluationSample;
}

/**
 * The shadow run for a finished request, or undefined when there is none to run: not drawn for a
 * shadow, not answered, not routed between a cheap and a strong tier, or its workload no longer
 * shadows (a reload). A cascade's cheap tier is its first, its strong tier its last; an answer
 * from a middle tier counts as a cheap answer (of that tier) shadowed by the last. The learned
 * router's tiers are its `weak` and `strong` models; the served one is the route's model.
 * O(1) in the request's size: nothing is copied.
 */
export function planShadow(summary: RequestSummary, config: ResolvedConfig): ShadowPlan | undefined {
  const sample = summary.evaluationSample;
  const routing = summary.routing;
  const workloadName = summary.workload;
  if (!sample?.shadow || !routing || workloadName === undefined || summary.status !== 200) return undefined;
  const workload = config.workloads[workloadName];
  const judge = workload?.evaluation?.shadow?.judge;
  if (!workload || !judge) return undefined;
  const base = { requestId: summary.requestId, workload: workloadName, judge, sample, ...(routing.score === undefined ? {} : { routerScore: routing.score }) };
  const router = routing.router === 'learned' ? 'learned' : 'cascade';

  const tiers = routing.tiers;
  if (tiers && tiers.length >= 2 && routing.tier !== undefined) {
    const last = tiers.length - 1;
    const strongModel = tiers[last]!;
    if (routing.tier === last) {
      const cheapModel = tiers[0]!;
      const rejected = routing.rejectedCheapAnswer;
      return { ...base, router, served: 'strong', cheapModel, strongModel, shadowModel: cheapModel, ...(rejected ? { otherAnswer: rejected } : {}) };
    }
    const cheapModel = tiers[routing.tier];
    if (cheapModel === undefined || cheapModel === strongModel) return undefined;
    return { ...base, router, served: 'cheap', cheapModel, strongModel, shadowModel: strongModel };
  }

  const learned = workload.routing?.learned;
  if (routing.router !== 'learned' || !learned || learned.weak === learned.strong) return undefined;
  if (summary.routeModel === learned.weak) {
    return { ...base, router: 'learned', served: 'cheap', cheapModel: learned.weak, strongModel: learned.strong, shadowModel: learned.strong };
  }
  if (summary.routeModel === learned.strong) {
    return { ...base, router: 'learned', served: 'strong', cheapModel: learned.weak, strongModel: learned.strong, shadowModel: learned.weak };
  }
  return undefined;
}
