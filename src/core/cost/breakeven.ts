/**
 * When does self-hosting an open model beat a closed API? The API's cost grows linearly with
 * tokens. Self-hosting is a fixed daily cost per replica (its GPUs, paid whether busy or not) plus
 * a fixed engineering overhead, for up to one replica's capacity of tokens; past that another
 * replica is needed, so its cost is a staircase. The break-even is the first volume at which the
 * API line reaches the staircase.
 */

export const DAYS_PER_MONTH = 365 / 12;

export interface BreakevenInput {
  /** API list prices, US$ per 1M tokens. */
  apiInputPerMtok: number;
  apiOutputPerMtok: number;
  /** Fraction of tokens that are input (prompt), 0–1. */
  inputShare: number;
  gpuHourUsd: number;
  /** GPUs per replica. */
  gpus: number;
  /** Tokens per second one replica sustains, input and output counted alike. */
  throughputTokensPerSecond: number;
  /** Share of paid GPU time that serves traffic, (0, 1]. */
  utilisation: number;
  /** Engineering and operations overhead of running it, US$ per month. */
  engineeringUsdPerMonth: number;
}

export interface BreakevenModel {
  /** API US$ per 1M tokens at the input share. */
  apiBlendedPerMtok: number;
  /** Tokens per day one replica serves at the given utilisation. */
  replicaCapacityTokensPerDay: number;
  /** What one replica's GPUs cost per day. */
  replicaUsdPerDay: number;
  overheadUsdPerDay: number;
  /** Self-hosted US$ per 1M tokens with one replica exactly full, overhead excluded. */
  selfHostedPerMtokAtCapacity: number;
}

export interface Breakeven {
  /** First tokens/day at which self-hosting costs no more than the API; undefined if never. */
  tokensPerDay: number | undefined;
  /** Replicas self-hosting needs at that volume. */
  replicas: number | undefined;
  /** The break-even lies beyond one replica's capacity: more GPUs are needed to get there. */
  exceedsOneReplica: boolean;
  /** From this volume on, self-hosting stays cheaper (the staircase may cross back just after a new replica). */
  sustainedFromTokensPerDay: number | undefined;
  /** What both sides cost per day at the break-even. */
  costUsdPerDay: number | undefined;
}

export function breakevenModel(input: BreakevenInput): BreakevenModel {
  const apiBlendedPerMtok = input.inputShare * input.apiInputPerMtok + (1 - input.inputShare) * input.apiOutputPerMtok;
  const replicaCapacityTokensPerDay = input.throughputTokensPerSecond * 86_400 * input.utilisation;
  const replicaUsdPerDay = input.gpuHourUsd * input.gpus * 24;
  return {
    apiBlendedPerMtok,
    replicaCapacityTokensPerDay,
    replicaUsdPerDay,
    overheadUsdPerDay: input.engineeringUsdPerMonth / DAYS_PER_MONTH,
    selfHostedPerMtokAtCapacity: (replicaUsdPerDay / replicaCapacityTokensPerDay) * 1e6,
  };
}

export function apiUsdPerDay(model: BreakevenModel, tokensPerDay: number): number {
  return (tokensPerDay / 1e6) * model.apiBlendedPerMtok;
}

export function replicasFor(model: BreakevenModel, tokensPerDay: number): number {
  return Math.max(1, Math.ceil(tokensPerDay / model.replicaCapacityTokensPerDay - 1e-9));
}

export function selfHostedUsdPerDay(model: BreakevenModel, tokensPerDay: number): number {
  return replicasFor(model, tokensPerDay) * model.replicaUsdPerDay + model.overheadUsdPerDay;
}

/**
 * With p the API price per token, C a replica's daily capacity, G its daily GPU cost and O the
 * daily overhead: on the n-th step the self-hosted cost is nG + O, met by the API at (nG + O)/p,
 * which lies on that step when n(pC − G) ≥ O. So if pC ≤ G (the API is cheaper than a full
 * replica) self-hosting never wins; otherwise the first step is n* = ⌈O / (pC − G)⌉, and it stays
 * cheaper for good once the API at a step's end also covers the next replica: k(pC − G) ≥ G + O.
 */
export function findBreakeven(model: BreakevenModel): Breakeven {
  const pricePerToken = model.apiBlendedPerMtok / 1e6;
  const capacity = model.replicaCapacityTokensPerDay;
  const margin = pricePerToken * capacity - model.replicaUsdPerDay;
  if (!(margin > 0)) {
    return { tokensPerDay: undefined, replicas: undefined, exceedsOneReplica: false, sustainedFromTokensPerDay: undefined, costUsdPerDay: undefined };
  }
  const firstStep = Math.max(1, ceilTolerant(model.overheadUsdPerDay / margin));
  const crossingOnStep = (step: number) =>
    Math.max((step - 1) * capacity, (step * model.replicaUsdPerDay + model.overheadUsdPerDay) / pricePerToken);
  const tokensPerDay = crossingOnStep(firstStep);
  const sustainedStep = Math.max(firstStep, ceilTolerant((model.replicaUsdPerDay + model.overheadUsdPerDay) / margin));
  return {
    tokensPerDay,
    replicas: firstStep,
    exceedsOneReplica: firstStep > 1,
    sustainedFromTokensPerDay: crossingOnStep(sustainedStep),
    costUsdPerDay: apiUsdPerDay(model, tokensPerDay),
  };
}

/** Ceiling that ignores floating-point dust (2.0000000001 is 2). */
function ceilTolerant(value: number): number {
  return Math.ceil(value - 1e-9);
}

export interface PriceDropScenario {
  /** Fraction the API prices fell by, 0–1. */
  apiPriceDrop: number;
  apiBlendedPerMtok: number;
  breakeven: Breakeven;
}

/** The break-even again with API prices lowered by each fraction. */
export function priceDropScenarios(input: BreakevenInput, drops: readonly number[]): PriceDropScenario[] {
  return drops.map((drop) => {
    const model = breakevenModel({
      ...input,
      apiInputPerMtok: input.apiInputPerMtok * (1 - drop),
      apiOutputPerMtok: input.apiOutputPerMtok * (1 - drop),
    });
    return { apiPriceDrop: drop, apiBlendedPerMtok: model.apiBlendedPerMtok, breakeven: findBreakeven(model) };
  });
}

export interface CostCurves {
  tokensPerDay: number[];
  apiUsdPerDay: number[];
  selfHostedUsdPerDay: number[];
}

/** Both costs sampled at `samples` evenly spaced volumes from 0 to `maxTokensPerDay`. */
export function costCurves(model: BreakevenModel, maxTokensPerDay: number, samples: number): CostCurves {
  const tokensPerDay = Array.from({ length: samples }, (_, index) => (maxTokensPerDay * index) / Math.max(1, samples - 1));
  return {
    tokensPerDay,
    apiUsdPerDay: tokensPerDay.map((tokens) => apiUsdPerDay(model, tokens)),
    selfHostedUsdPerDay: tokensPerDay.map((tokens) => selfHostedUsdPerDay(model, tokens)),
  };
}

/** A plot range that shows the break-even and a replica step or two past it. */
export function plotRangeTokensPerDay(model: BreakevenModel, breakeven: Breakeven): number {
  const capacity = model.replicaCapacityTokensPerDay;
  if (breakeven.tokensPerDay === undefined) return capacity * 3;
  return Math.max(breakeven.sustainedFromTokensPerDay ?? 0, breakeven.tokensPerDay) * 1.6 || capacity * 2;
}
