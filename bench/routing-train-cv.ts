/**
 * Study of learned-router variants by repeated grouped k-fold cross-validation on the train splits
 * only (bench/routing-train-data.ts drops test lines before parsing). Prints mean out-of-fold APGR
 * per variant and pair, and the gain over the baseline with its standard error across repetitions.
 *
 * Options: --only <pair id>  --repeats <n> (5)  --folds <k> (5)  --pooled
 *          --embeddings (also the embedding members, on the local sentence encoder's vectors of the train prompts)
 */
import { averageGapRecovered } from '../src/core/routing/learned/average-gap-recovered.js';
import { BASELINE_HASHING } from '../src/core/routing/learned/baseline-settings.js';
import { DENSE_FEATURE_NAMES } from '../src/core/routing/learned/dense-features.js';
import { foldAssignment } from '../src/core/routing/learned/ensemble-cross-validation.js';
import { buildFeatureMatrix } from '../src/core/routing/learned/feature-matrix.js';
import { gramBlock, gramMatrix, withDenseColumns, type GramMatrix } from '../src/core/routing/learned/gram-matrix.js';
import { fitKernelLogistic, kernelLogits } from '../src/core/routing/learned/kernel-logistic.js';
import { routerInputOf } from '../src/evals/routing/learned-router-evaluation.js';
import { LocalSentenceEncoder } from '../src/core/routing/embeddings/local-sentence-encoder.js';
import { withEmbeddings } from '../src/core/routing/embeddings/prompt-embedder.js';
import { loadTrainPair, TRAIN_PAIRS, type TrainPair } from './routing-train-data.js';

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index < 0 ? undefined : argv[index + 1];
}

/** Trains on `train` positions and returns raw scores for `held` positions. */
type FitPredict = (train: number[], held: number[]) => Float64Array;

interface Variant {
  name: string;
  fitPredict: FitPredict;
}

function kernelVariant(name: string, gram: GramMatrix, targets: Float64Array, l2: number, weights?: Float64Array): Variant {
  return {
    name,
    fitPredict: (train, held) => {
      const fit = fitKernelLogistic({
        gram: gramBlock(gram, train, train),
        size: train.length,
        targets: Float64Array.from(train, (index) => targets[index]!),
        sampleWeights: weights ? Float64Array.from(train, (index) => weights[index]!) : new Float64Array(train.length).fill(1),
        l2,
      });
      return kernelLogits(fit, gramBlock(gram, held, train));
    },
  };
}

function crossValidate(data: TrainPair, variants: readonly Variant[], folds: number, repeats: number): void {
  const count = data.prompts.length;
  const groups = data.prompts.map((prompt) => prompt.row.questionId ?? prompt.row.id);
  const weak = data.prompts.map((prompt) => prompt.weakQuality);
  const strong = data.prompts.map((prompt) => prompt.strongQuality);
  const results = variants.map(() => [] as number[]);
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const foldOf = foldAssignment(count, folds, 1 + repeat * 7919, groups);
    const scores = variants.map(() => new Float64Array(count));
    for (let fold = 0; fold < folds; fold += 1) {
      const train: number[] = [];
      const held: number[] = [];
      foldOf.forEach((value, index) => (value === fold ? held : train).push(index));
      variants.forEach((variant, which) => {
        const predicted = variant.fitPredict(train, held);
        held.forEach((index, position) => (scores[which]![index] = predicted[position]!));
      });
    }
    variants.forEach((_variant, which) => results[which]!.push(averageGapRecovered(scores[which]!, weak, strong)));
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const prior = results[0]!;
  for (const [which, variant] of variants.entries()) {
    const values = results[which]!;
    const gains = values.map((value, repeat) => value - prior[repeat]!);
    const gain = mean(gains);
    const spread = gains.length > 1 ? Math.sqrt(gains.reduce((sum, value) => sum + (value - gain) ** 2, 0) / (gains.length - 1) / gains.length) : 0;
    console.log(`${data.spec.id.padEnd(11)} ${variant.name.padEnd(40)} APGR ${mean(values).toFixed(4)}  gain ${gain >= 0 ? '+' : ''}${gain.toFixed(4)} ± ${spread.toFixed(4)}`);
  }
}

const STRUCTURE = DENSE_FEATURE_NAMES.filter((name) => !name.startsWith('cue_'));

function zeroGram(size: number): GramMatrix {
  return { size, values: new Float64Array(size * size) };
}

/** Scores divided by their spread, so two members' logits count alike in a sum. */
function standardised(scores: Float64Array): Float64Array {
  let mean = 0;
  for (const value of scores) mean += value / scores.length;
  let variance = 0;
  for (const value of scores) variance += (value - mean) ** 2 / scores.length;
  const spread = Math.max(Math.sqrt(variance), 1e-9);
  return scores.map((value) => value / spread);
}

/** Each train prompt's embedding by the local sentence encoder, as `router train --embeddings local` computes it. */
async function localEmbeddings(data: TrainPair): Promise<Float64Array[]> {
  const encoder = new LocalSentenceEncoder();
  try {
    const embedded = await withEmbeddings(data.prompts.map((prompt) => routerInputOf(prompt)), encoder, (done, total) => process.stderr.write(`  ${data.spec.id} embedding ${done}/${total}\r`));
    return embedded.map((input) => Float64Array.from(input.embedding));
  } finally {
    await encoder.close();
  }
}

function variantsFor(data: TrainPair, embeddings?: readonly Float64Array[]): Variant[] {
  const inputs = data.prompts.map((prompt) => routerInputOf(prompt));
  const structure = buildFeatureMatrix(inputs, { hashing: BASELINE_HASHING, dense: STRUCTURE, denseColumnScale: 1 });
  const all = buildFeatureMatrix(inputs, { hashing: BASELINE_HASHING, dense: [...DENSE_FEATURE_NAMES], denseColumnScale: 1 });
  const gram = gramMatrix(structure.rows, structure.bucketColumns);
  const hard = Float64Array.from(data.prompts, (prompt) => (prompt.strongQuality > prompt.weakQuality ? 1 : 0));
  const soft = Float64Array.from(data.prompts, (prompt) => (prompt.strongQuality - prompt.weakQuality + 1) / 2);
  const variants: Variant[] = [kernelVariant('baseline (hard, l2 1)', gram, hard, 1)];
  for (const scale of [0.3, 1]) {
    variants.push(kernelVariant(`hard + structure×${scale}`, withDenseColumns(gram, structure.denseRows, scale), hard, 1));
    variants.push(kernelVariant(`hard + all dense×${scale}`, withDenseColumns(gram, all.denseRows, scale), hard, 1));
    variants.push(kernelVariant(`soft + all dense×${scale}`, withDenseColumns(gram, all.denseRows, scale), soft, 1));
  }
  // Cross-model difficulty: the share of every recorded model's answers that fall short.
  const difficulty = Float64Array.from(data.prompts, (prompt) => {
    let total = 0;
    for (const outcome of prompt.row.models.values()) total += 1 - outcome.quality;
    return total / prompt.row.models.size;
  });
  const difficultyPlain = kernelVariant('difficulty', gram, difficulty, 1);
  variants.push(difficultyPlain);
  const difficultyDense = kernelVariant('difficulty + all dense×0.3', withDenseColumns(gram, all.denseRows, 0.3), difficulty, 1);
  variants.push(difficultyDense);
  const baselinePlain = variants[0]!;
  for (const [label, other] of [['difficulty', difficultyPlain], ['difficulty+dense', difficultyDense]] as const) {
    for (const weight of [0.5, 1]) {
      variants.push({
        name: `baseline ⊕ ${label} ×${weight}`,
        fitPredict: (train, held) => {
          const first = standardised(baselinePlain.fitPredict(train, held));
          const second = standardised(other.fitPredict(train, held));
          return first.map((value, index) => value + weight * second[index]!);
        },
      });
    }
  }
  if (embeddings) {
    const vectors = embeddings;
    const zero = zeroGram(gram.size);
    for (const scale of [1, 3, 10]) {
      for (const [label, target] of [['hard', hard], ['soft', soft]] as const) {
        variants.push(kernelVariant(`emb only ${label} ×${scale}`, withDenseColumns(zero, vectors, scale), target, 1));
        variants.push(kernelVariant(`ngrams + emb ${label} ×${scale}`, withDenseColumns(gram, vectors, scale), target, 1));
        variants.push(kernelVariant(`ngrams + dense + emb ${label} ×${scale}`, withDenseColumns(withDenseColumns(gram, all.denseRows, 0.3), vectors, scale), target, 1));
      }
      const embOnly = kernelVariant('', withDenseColumns(zero, vectors, scale), soft, 1);
      variants.push({
        name: `baseline ⊕ emb soft ×${scale}`,
        fitPredict: (train, held) => {
          const first = standardised(baselinePlain.fitPredict(train, held));
          const second = standardised(embOnly.fitPredict(train, held));
          return first.map((value, index) => value + second[index]!);
        },
      });
    }
  }
  for (const l2 of [0.3, 3]) variants.push(kernelVariant(`hard, l2 ${l2}`, gram, hard, l2));
  // Sibling-smoothed label: blend in "the strong answer beats model k's" over the other recorded models.
  const siblings = Float64Array.from(data.prompts, (prompt) => {
    let total = 0;
    let count = 0;
    for (const [model, outcome] of prompt.row.models) {
      if (model === data.pair.strong || model === data.pair.weak) continue;
      total += prompt.strongQuality > outcome.quality ? 1 : 0;
      count += 1;
    }
    return count === 0 ? 0.5 : total / count;
  });
  for (const alpha of [0.2, 0.4]) {
    const blended = hard.map((value, index) => (1 - alpha) * value + alpha * siblings[index]!);
    variants.push(kernelVariant(`sibling-smoothed α ${alpha}`, gram, blended, 1));
  }
  for (const l2 of [1, 10]) {
    variants.push(kernelVariant(`dense only (all), l2 ${l2}`, withDenseColumns(zeroGram(gram.size), all.denseRows, 1), hard, l2));
    variants.push(kernelVariant(`dense only (structure), l2 ${l2}`, withDenseColumns(zeroGram(gram.size), structure.denseRows, 1), hard, l2));
  }
  return variants;
}

/**
 * Pooled prior: the target pair's rows plus every other pair's train rows (weight `otherWeight`),
 * one logistic over shared n-grams and dense features with a near-free intercept per pair.
 */
function pooledVariants(target: TrainPair, others: readonly TrainPair[]): Variant[] {
  const all = [target, ...others];
  const inputs = all.flatMap((data) => data.prompts.map((prompt) => routerInputOf(prompt)));
  const owner = all.flatMap((data, which) => data.prompts.map(() => which));
  const matrix = buildFeatureMatrix(inputs, { hashing: BASELINE_HASHING, dense: [...DENSE_FEATURE_NAMES], denseColumnScale: 1 });
  const offsets = owner.map((which) => Float64Array.from(all, (_data, column) => (column === which ? 1 : 0)));
  const ngram = withDenseColumns(gramMatrix(matrix.rows, matrix.bucketColumns), offsets, 3);
  const denseOnly = withDenseColumns(withDenseColumns(zeroGram(inputs.length), offsets, 3), matrix.denseRows, 1);
  const withDense = withDenseColumns(ngram, matrix.denseRows, 1);
  const labels = all.flatMap((data) => data.prompts.map((prompt) => (prompt.strongQuality - prompt.weakQuality + 1) / 2));
  const targets = Float64Array.from(labels);
  const count = target.prompts.length;
  const otherRows = Array.from({ length: inputs.length - count }, (_value, index) => count + index);
  const variants: Variant[] = [];
  for (const otherWeight of [0.1, 0.3, 1]) {
    for (const [label, gram] of [['n-grams+dense', withDense], ['dense', denseOnly]] as const) {
      const weights = Float64Array.from(owner, (which) => (which === 0 ? 1 : otherWeight));
      const inner = kernelVariant('', gram, targets, 1, weights);
      variants.push({ name: `pooled soft ${label}, others ×${otherWeight}`, fitPredict: (train, held) => inner.fitPredict([...train, ...otherRows], held) });
    }
  }
  return variants;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const only = option(argv, '--only');
  const repeats = Number(option(argv, '--repeats') ?? 5);
  const folds = Number(option(argv, '--folds') ?? 5);
  const pooled = argv.includes('--pooled');
  const embed = argv.includes('--embeddings');
  const everything = await Promise.all(TRAIN_PAIRS.map((spec) => loadTrainPair(spec)));
  for (const data of everything.filter((entry) => only === undefined || entry.spec.id === only)) {
    const variants = variantsFor(data, embed ? await localEmbeddings(data) : undefined);
    if (pooled) variants.push(...pooledVariants(data, everything.filter((entry) => entry !== data)));
    crossValidate(data, variants, folds, repeats);
  }
}

await main();
