/**
 * Nested cross-validation on the train split only (test lines are dropped before parsing): does a
 * threshold calibrated on inner out-of-fold scores still reach 95% of strong quality on outer folds
 * no model saw, and at what cost? Compares the baseline, the Switchyard router with the raw
 * probability as its score, and with the rank transfer (the default), at several calibration targets.
 *
 * Options: --only <pair id> (mtbench)  --targets 0.95,0.96,...  --folds <k> (5)
 */
import { SWITCHYARD_SETTINGS } from '../src/core/routing/learned/switchyard-trainer.js';
import { trainLearnedRouter } from '../src/core/routing/learned/train-router.js';
import { nestedCalibration, switchyardTrainer, type NestedOutcome, type Trainer } from './routing-nested-calibration.js';
import { loadTrainPair, TRAIN_PAIRS } from './routing-train-data.js';

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index < 0 ? undefined : argv[index + 1];
}

function print(pair: string, name: string, outcome: NestedOutcome): void {
  console.log(
    `${pair.padEnd(11)} ${name.padEnd(20)} target ${outcome.target.toFixed(3)}  outer quality/strong ${outcome.qualityShare.toFixed(4)}  ` +
      `cost share ${(outcome.costShare * 100).toFixed(1)}%  strong share ${(outcome.strongShare * 100).toFixed(1)}% (inner ${(outcome.innerStrongShare * 100).toFixed(1)}%)`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const id = option(argv, '--only') ?? 'mtbench';
  const folds = Number(option(argv, '--folds') ?? 5);
  const targets = (option(argv, '--targets') ?? '0.95').split(',').map(Number);
  const data = await loadTrainPair(TRAIN_PAIRS.find((pair) => pair.id === id)!);
  const baseline: Trainer = (examples) =>
    trainLearnedRouter(examples, { variant: 'baseline', strong: data.pair.strong, weak: data.pair.weak, trainedOn: { file: data.spec.file, sha256: '', split: 'train', examples: examples.length } });
  const trainers: Array<[string, Trainer]> = [
    ['baseline (raw)', baseline],
    ['switchyard (raw)', switchyardTrainer(data.pair, data.spec.file, { ...SWITCHYARD_SETTINGS, thresholdTransfer: 'raw' })],
    ['switchyard (rank)', switchyardTrainer(data.pair, data.spec.file, SWITCHYARD_SETTINGS)],
  ];
  for (const [name, trainer] of trainers) for (const outcome of nestedCalibration(data.prompts, trainer, targets, folds)) print(id, name, outcome);
}

await main();
