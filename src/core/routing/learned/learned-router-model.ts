import { DENSE_FEATURE_NAMES, denseFeatures } from './dense-features.js';
import { NgramVectorizer, normalizeText } from './hashed-ngrams.js';
import { sigmoid } from './logistic-regression.js';
import type { RouterArtifact, RouterModelMember } from './router-artifact-schema.js';
import { routerText, type RouterInput } from './router-input.js';

/** A loaded router: scores a prompt in [0,1], higher meaning "needs the strong model". */
export interface LearnedRouterModel {
  readonly artifact: RouterArtifact;
  /** The embedder whose vectors `score` needs in `input.embedding` (`features.embedding`), if any. */
  readonly embedder?: string;
  /** Throws a RangeError when the router needs an embedding and `input` has none of the right size. */
  score(input: RouterInput): number;
}

/** A prompt's n-gram vector: the first `size` entries of `buckets` and `values`. */
interface NgramBuffer {
  buckets: Int32Array;
  values: Float64Array;
  size: number;
}

/** A member's raw score (log-odds) from the prompt's n-gram vector, standardised dense features and embedding. */
type CompiledMember = (ngrams: NgramBuffer, dense: Float64Array, embedding: ArrayLike<number>) => number;

const NO_EMBEDDING: ArrayLike<number> = new Float64Array(0);

function compileMember(member: RouterModelMember, buckets: number): CompiledMember {
  if (member.kind === 'embedding') {
    const weights = Float64Array.from(member.weights);
    const bias = member.bias;
    return (_ngrams, _dense, embedding) => {
      let logit = bias;
      for (let index = 0; index < weights.length; index += 1) logit += weights[index]! * embedding[index]!;
      return logit;
    };
  }
  if (member.kind === 'logistic') {
    // A dense table makes each n-gram one array read; 2^18 float32 weights are 1 MB.
    const table = new Float32Array(buckets);
    member.buckets.forEach((bucket, index) => {
      table[bucket] = member.weights[index]!;
    });
    const denseWeights = Float64Array.from(member.denseWeights);
    const bias = member.bias;
    return (ngrams, dense) => {
      let logit = bias;
      const { buckets: indices, values, size } = ngrams;
      for (let entry = 0; entry < size; entry += 1) logit += table[indices[entry]!]! * values[entry]!;
      for (let index = 0; index < denseWeights.length; index += 1) logit += denseWeights[index]! * dense[index]!;
      return logit;
    };
  }
  const features = Int32Array.from(member.stumps, (stump) => stump.feature);
  const thresholds = Float64Array.from(member.stumps, (stump) => stump.threshold);
  const lefts = Float64Array.from(member.stumps, (stump) => stump.left);
  const rights = Float64Array.from(member.stumps, (stump) => stump.right);
  const base = member.base;
  return (_ngrams, dense) => {
    let logit = base;
    for (let index = 0; index < features.length; index += 1) {
      logit += dense[features[index]!]! <= thresholds[index]! ? lefts[index]! : rights[index]!;
    }
    return logit;
  };
}

/** Fraction of the sorted training scores below `value`, interpolated, so ranks of members are comparable. */
export function rankAmong(sorted: ArrayLike<number>, value: number): number {
  const count = sorted.length;
  if (value <= sorted[0]!) return 0;
  if (value >= sorted[count - 1]!) return 1;
  let low = 0;
  let high = count - 1;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle;
    else high = middle;
  }
  const span = sorted[high]! - sorted[low]!;
  const within = span > 0 ? (value - sorted[low]!) / span : 0;
  return (low + within) / (count - 1);
}

/** Builds the scorer once: weight tables, feature indices and quantiles are all precomputed here. */
export function createLearnedRouterModel(artifact: RouterArtifact): LearnedRouterModel {
  const { hashing, dense, denseMean, denseScale } = artifact.features;
  const buckets = 2 ** hashing.hashBits;
  const denseIndices = Int32Array.from(dense, (name) => DENSE_FEATURE_NAMES.indexOf(name));
  const members = artifact.model.members.map((entry) => ({
    weight: entry.weight,
    quantiles: entry.quantiles === undefined ? undefined : Float64Array.from(entry.quantiles),
    raw: compileMember(entry.member, buckets),
  }));
  const usesNgrams = artifact.model.members.some((entry) => entry.member.kind === 'logistic');
  const vectorizer = usesNgrams ? new NgramVectorizer(hashing) : undefined;
  const ngrams: NgramBuffer = { buckets: new Int32Array(4096), values: new Float64Array(4096), size: 0 };
  const collect = (bucket: number, value: number): void => {
    if (ngrams.size === ngrams.buckets.length) {
      const buckets = new Int32Array(ngrams.size * 2);
      const values = new Float64Array(ngrams.size * 2);
      buckets.set(ngrams.buckets);
      values.set(ngrams.values);
      ngrams.buckets = buckets;
      ngrams.values = values;
    }
    ngrams.buckets[ngrams.size] = bucket;
    ngrams.values[ngrams.size] = value;
    ngrams.size += 1;
  };
  const single = artifact.model.combine === 'single';
  let totalWeight = 0;
  for (const member of members) totalWeight += member.weight;
  const embedding = artifact.features.embedding;
  return {
    artifact,
    ...(embedding === undefined ? {} : { embedder: embedding.embedder }),
    score(input: RouterInput): number {
      if (embedding !== undefined && input.embedding?.length !== embedding.dimension) {
        throw new RangeError(
          `this router needs the prompt's ${embedding.dimension}-dimension embedding from '${embedding.embedder}', got ${input.embedding === undefined ? 'none' : `${input.embedding.length} dimensions`}`,
        );
      }
      const vector = input.embedding ?? NO_EMBEDDING;
      ngrams.size = 0;
      vectorizer?.forEachEntry(normalizeText(routerText(input)), collect);
      const all = denseFeatures(input);
      const standardised = new Float64Array(denseIndices.length);
      for (let index = 0; index < denseIndices.length; index += 1) {
        standardised[index] = (all[denseIndices[index]!]! - denseMean[index]!) / denseScale[index]!;
      }
      if (single) return sigmoid(members[0]!.raw(ngrams, standardised, vector));
      let sum = 0;
      for (const member of members) sum += member.weight * rankAmong(member.quantiles!, member.raw(ngrams, standardised, vector));
      return totalWeight > 0 ? sum / totalWeight : 0.5;
    },
  };
}
