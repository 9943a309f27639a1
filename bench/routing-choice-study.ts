/**
 * Which ensemble the Switchyard trainer picks on each pair's train split, with every candidate's
 * cross-validated APGR (train only; test lines are dropped before parsing).
 */
import { trainLearnedRouter } from '../src/core/routing/learned/train-router.js';
import { trainingExamples } from '../src/evals/routing/learned-router-evaluation.js';
import { loadTrainPair, TRAIN_PAIRS } from './routing-train-data.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
for (const spec of TRAIN_PAIRS.filter((pair) => only === undefined || pair.id === only)) {
  const data = await loadTrainPair(spec);
  const examples = trainingExamples(data.prompts);
  const artifact = trainLearnedRouter(examples, { variant: 'switchyard', strong: spec.strong, weak: spec.weak, trainedOn: { file: spec.file, sha256: '', split: 'train', examples: examples.length } });
  console.log(spec.id, JSON.stringify(artifact.trainedOn.extra?.['crossValidation'], null, 1));
}
