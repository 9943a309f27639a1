import { randomUUID } from 'node:crypto';
import type { GateRecord } from '../../core/evaluation/evaluation-records.js';
import type { GateDecision } from '../statistics/gate.js';

/** The record's identity and provenance as GateRecord names them; the verdict comes from `decision`. */
export interface GateRecordInput
  extends Pick<
    GateRecord,
    'maxDrop' | 'workload' | 'setPath' | 'setHash' | 'candidate' | 'candidateVersion' | 'baseline' | 'baselineVersion' | 'trigger' | 'actor' | 'candidateRunId' | 'baselineRunId'
  > {
  decision: GateDecision;
  now?: () => number;
}

export function gateRecordOf(input: GateRecordInput): GateRecord {
  const { decision } = input;
  return {
    id: randomUUID(),
    time: (input.now ?? Date.now)(),
    ...(input.workload === undefined ? {} : { workload: input.workload }),
    setPath: input.setPath,
    setHash: input.setHash,
    candidate: input.candidate,
    candidateVersion: input.candidateVersion,
    baseline: input.baseline,
    baselineVersion: input.baselineVersion,
    passed: decision.passed,
    mode: decision.mode,
    maxDrop: input.maxDrop,
    confidence: decision.confidence,
    bound: decision.bound,
    meanDifference: decision.comparison.meanDifference,
    reason: decision.reason,
    trigger: input.trigger,
    actor: input.actor,
    ...(input.candidateRunId === undefined ? {} : { candidateRunId: input.candidateRunId }),
    ...(input.baselineRunId === undefined ? {} : { baselineRunId: input.baselineRunId }),
  };
}

/**
 * A gate of a model against the very same version of itself passes by construction and proves
 * nothing, so it never counts as evidence for an approval (a drift re-run compares with the
 * previous *recorded* run, whose version string may be equal when only the upstream changed).
 */
export function isSelfComparison(gate: Pick<GateRecord, 'candidate' | 'baseline' | 'candidateVersion' | 'baselineVersion'>): boolean {
  return gate.candidate === gate.baseline && gate.candidateVersion === gate.baselineVersion;
}
