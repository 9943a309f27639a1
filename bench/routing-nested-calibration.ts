/**
 * Nested cross-validation of a learned router's calibration, on train prompts only: the threshold
 * is calibrated on inner out-of-fold scores, as `router train --target-quality` does, then applied
 * to outer folds no model saw. Used to choose how far above 95% to calibrate so that 95% still holds
 * on unseen prompts (bench/routing.ts), and by bench/routing-transfer-study.ts.
 */
import { foldAssignment } from '../src/core/routing/learned/ensemble-cross-validation.js';
import { createLearnedRouterModel, type RouterArtifact } from '../src/core/routing/learned/router-artifact.js';
import { trainSwitchyardModel, type SwitchyardSettings } from '../src/core/routing/learned/switchyard-trainer.js';
import type { TrainingExample } from '../src/core/routing/learned/training-example.js';
import { calibrateThreshold, routerInputOf, trainingExamples } from '../src/evals/routing/learned-router-evaluation.js';
import { pairTotals, routeByThreshold, summarise, type PromptOutcome } from '../src/evals/routing/routing-metrics.js';
import type { ModelPair, PairedPrompt } from '../src/evals/routing/routing-pair.js';

export type Trainer = (examples: readonly TrainingExample[]) => RouterArtifact;

function groupsOf(prompts: readonly PairedPrompt[]): string[] {
  return prompts.map((prompt) => prompt.row.questionId ?? prompt.row.id);
}

function scoreWith(trainer: Trainer, train: readonly PairedPrompt[], held: readonly PairedPrompt[]): number[] {
  const model = createLearnedRouterModel(trainer(trainingExamples(train)));
  return held.map((prompt) => model.score(routerInputOf(prompt)));
}

/** Out-of-fold scores of `prompts` (grouped folds), as the benchmark calibrates on. */
function outOfFold(trainer: Trainer, prompts: readonly PairedPrompt[], folds: number, seed: number): number[] {
  const foldOf = foldAssignment(prompts.length, folds, seed, groupsOf(prompts));
  const scores = new Array<number>(prompts.length).fill(0.5);
  for (let fold = 0; fold < folds; fold += 1) {
    const held = prompts.filter((_prompt, index) => foldOf[index] === fold);
    const heldScores = scoreWith(trainer, prompts.filter((_prompt, index) => foldOf[index] !== fold), held);
    let position = 0;
    foldOf.forEach((value, index) => {
      if (value === fold) scores[index] = heldScores[position++]!;
    });
  }
  return scores;
}

export interface NestedOutcome {
  readonly target: number;
  /** Pooled over the outer folds: quality / all-strong quality, cost share, strong share. */
  readonly qualityShare: number;
  readonly costShare: number;
  readonly strongShare: number;
  /** Mean strong share the inner calibrations chose. */
  readonly innerStrongShare: number;
}

/** Calibrates for `targets` on inner folds and measures each on the outer folds. */
export function nestedCalibration(prompts: readonly PairedPrompt[], trainer: Trainer, targets: readonly number[], folds = 5): NestedOutcome[] {
  const foldOf = foldAssignment(prompts.length, folds, 4242, groupsOf(prompts));
  const perTarget = targets.map(() => ({ outcomes: [] as PromptOutcome[], innerShares: [] as number[] }));
  const heldPrompts: PairedPrompt[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const outerTrain = prompts.filter((_prompt, index) => foldOf[index] !== fold);
    const held = prompts.filter((_prompt, index) => foldOf[index] === fold);
    const inner = outOfFold(trainer, outerTrain, folds, 1);
    const scores = scoreWith(trainer, outerTrain, held);
    heldPrompts.push(...held);
    targets.forEach((target, which) => {
      const calibration = calibrateThreshold(outerTrain, inner, { kind: 'target-quality', share: target });
      perTarget[which]!.innerShares.push(calibration.heldOut.strongShare);
      perTarget[which]!.outcomes.push(...routeByThreshold(held, scores, calibration.threshold));
    });
  }
  const totals = pairTotals(heldPrompts);
  return targets.map((target, which) => {
    const summary = summarise(heldPrompts, perTarget[which]!.outcomes);
    const shares = perTarget[which]!.innerShares;
    return {
      target,
      qualityShare: summary.quality / totals.strongQuality,
      costShare: summary.costShare,
      strongShare: summary.strongShare,
      innerStrongShare: shares.reduce((sum, value) => sum + value, 0) / shares.length,
    };
  });
}

/** The lowest calibration target whose nested outer quality still reaches `share`; else the highest tried. */
export function chooseCalibrationTarget(outcomes: readonly NestedOutcome[], share: number): NestedOutcome {
  const sorted = [...outcomes].sort((left, right) => left.target - right.target);
  return sorted.find((outcome) => outcome.qualityShare >= share - 1e-9) ?? sorted[sorted.length - 1]!;
}

/** A Switchyard trainer with explicit settings (train-router.ts always uses the defaults). */
export function switchyardTrainer(pair: ModelPair, file: string, settings: SwitchyardSettings, embedder?: string): Trainer {
  return (examples) => {
    const trainedOn = { file, sha256: '', split: 'train', examples: examples.length };
    const options = { variant: 'switchyard' as const, strong: pair.strong, weak: pair.weak, trainedOn, ...(embedder === undefined ? {} : { embedder }) };
    const { choice: _choice, ...trained } = trainSwitchyardModel(examples, options, settings);
    return { format: 'switchyard-router', version: 1, variant: 'switchyard', createdAt: '', strong: pair.strong, weak: pair.weak, trainedOn, threshold: 0.5, ...trained };
  };
}
