import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../../spec/errors.js';
import { formatPath } from '../../config/format-config-path.js';
import { DENSE_FEATURE_NAMES } from './dense-features.js';

/**
 * The trained router as a JSON file: what it was trained on, how features are computed, and the
 * model's (sparse, rounded) weights. Versioned so an old gateway refuses an artifact it cannot read.
 */

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const bucket = z.number().int().nonnegative();

const trainedOnSchema = z
  .object({
    /** The data file trained on (as given on the command line). */
    file: z.string(),
    /** SHA-256 of that file, so a benchmark can tell which data a router saw. */
    sha256: z.string(),
    split: z.string(),
    examples: z.number().int().nonnegative(),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const share = z.number().min(0).max(1);

/**
 * One operating point of the threshold sweep the calibration chose from, on its held-out
 * (out-of-fold train) scores — never the test split.
 */
const calibrationCurvePointSchema = z
  .object({
    /** Score above it → strong. */
    threshold: share,
    /** Share of prompts sent to the strong model. */
    strongShare: share,
    /** Cost / all-strong cost when prices are known, else the strong share (so it can exceed 1 only with prices). */
    relativeCost: z.number().nonnegative().refine(Number.isFinite, 'expected a finite number'),
    /**
     * Mean answer quality in [0,1] (correctness, judge score / 10, or win rate): the scale the
     * calibration's `targetQuality` is a share of (a share of the all-strong mean quality).
     */
    quality: share,
  })
  .strict();

/** Room above what training writes (50 points), so a newer trainer's longer curve still loads. */
const CURVE_POINT_LIMIT = 500;

const calibrationSchema = z
  .object({
    method: z.string(),
    targetQuality: z.number().optional(),
    maxCost: z.number().optional(),
    strongShare: z.number().optional(),
    heldOut: z.string().optional(),
    /**
     * The cost–quality curve the threshold was chosen from, ordered by threshold, highest first
     * (strong share rises along it); the artifact's calibrated `threshold` is one of its points.
     * Absent in artifacts trained before it was recorded.
     */
    curve: z
      .array(calibrationCurvePointSchema)
      .max(CURVE_POINT_LIMIT)
      .refine(
        (points) => points.every((point, index) => index === 0 || point.threshold <= points[index - 1]!.threshold),
        'expected points ordered by threshold, highest first',
      )
      .optional(),
  })
  .strict();

const featuresSchema = z
  .object({
    /** How the prompt text becomes hashed n-grams (see hashed-ngrams.ts). */
    hashing: z
      .object({
        hashBits: z.number().int().min(8).max(24),
        wordNgramMax: z.number().int().min(0).max(3),
        charNgramMin: z.number().int().min(1).max(8),
        charNgramMax: z.number().int().min(0).max(8),
        sublinearCounts: z.boolean(),
      })
      .strict(),
    /** Dense structural features used, by name, with the training mean and scale to standardise them. */
    dense: z.array(z.enum(DENSE_FEATURE_NAMES)),
    denseMean: z.array(finite),
    denseScale: z.array(finite),
    /**
     * The prompt embedding an `embedding` member reads: which embedder produced the training vectors
     * (the gateway must embed with the same one) and their dimension. Absent: no embedding needed.
     */
    embedding: z
      .object({ embedder: z.string().min(1), dimension: z.number().int().positive() })
      .strict()
      .optional(),
  })
  .strict();

const logisticMemberSchema = z
  .object({
    kind: z.literal('logistic'),
    bias: finite,
    /** Hashed buckets with a non-zero weight, ascending, and their weights. */
    buckets: z.array(bucket),
    weights: z.array(finite),
    /** One weight per standardised dense feature. */
    denseWeights: z.array(finite),
  })
  .strict();

const stumpSchema = z
  .object({ feature: z.number().int().nonnegative(), threshold: finite, left: finite, right: finite })
  .strict();

const stumpsMemberSchema = z
  .object({
    kind: z.literal('stumps'),
    /** Initial log-odds; each stump adds `left` (value <= threshold) or `right` to it. */
    base: finite,
    stumps: z.array(stumpSchema),
  })
  .strict();

const embeddingMemberSchema = z
  .object({
    kind: z.literal('embedding'),
    /** Logit = bias + weights · embedding. */
    bias: finite,
    weights: z.array(finite),
  })
  .strict();

const memberSchema = z.discriminatedUnion('kind', [logisticMemberSchema, stumpsMemberSchema, embeddingMemberSchema]);

const modelSchema = z
  .object({
    /**
     * `single`: the sole member's probability. `mean-rank`: each member's raw score becomes its
     * rank among the training scores (`quantiles`), and the weighted mean of those ranks is the score.
     */
    combine: z.enum(['single', 'mean-rank']),
    members: z
      .array(
        z
          .object({
            weight: z.number().nonnegative(),
            /** Sorted raw training scores, for `mean-rank`. */
            quantiles: z.array(finite).optional(),
            member: memberSchema,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const routerArtifactSchema = z
  .object({
    format: z.literal('switchyard-router'),
    version: z.literal(1),
    variant: z.enum(['baseline', 'switchyard']),
    createdAt: z.string(),
    strong: z.string().min(1),
    weak: z.string().min(1),
    trainedOn: trainedOnSchema,
    /** Score above it → strong. Set by calibration. */
    threshold: z.number().min(0).max(1),
    calibration: calibrationSchema.optional(),
    features: featuresSchema,
    model: modelSchema,
  })
  .strict()
  .superRefine((artifact, context) => {
    const denseCount = artifact.features.dense.length;
    if (artifact.features.denseMean.length !== denseCount || artifact.features.denseScale.length !== denseCount) {
      context.addIssue({ code: 'custom', path: ['features', 'denseMean'], message: `expected ${denseCount} entries, one per dense feature` });
    }
    const bucketLimit = 2 ** artifact.features.hashing.hashBits;
    artifact.model.members.forEach(({ member, quantiles }, index) => {
      const path = ['model', 'members', index];
      if (artifact.model.combine === 'mean-rank' && (quantiles === undefined || quantiles.length < 2)) {
        context.addIssue({ code: 'custom', path: [...path, 'quantiles'], message: 'mean-rank needs at least 2 quantiles' });
      }
      if (member.kind === 'logistic') {
        if (member.buckets.length !== member.weights.length) {
          context.addIssue({ code: 'custom', path: [...path, 'member', 'weights'], message: 'expected one weight per bucket' });
        }
        if (member.buckets.some((value) => value >= bucketLimit)) {
          context.addIssue({ code: 'custom', path: [...path, 'member', 'buckets'], message: `bucket out of range (2^${artifact.features.hashing.hashBits})` });
        }
        if (member.denseWeights.length !== denseCount) {
          context.addIssue({ code: 'custom', path: [...path, 'member', 'denseWeights'], message: `expected ${denseCount} entries` });
        }
      } else if (member.kind === 'embedding') {
        const dimension = artifact.features.embedding?.dimension;
        if (dimension === undefined) {
          context.addIssue({ code: 'custom', path: ['features', 'embedding'], message: 'an embedding member needs features.embedding (embedder and dimension)' });
        } else if (member.weights.length !== dimension) {
          context.addIssue({ code: 'custom', path: [...path, 'member', 'weights'], message: `expected ${dimension} weights, one per embedding dimension` });
        }
      } else if (member.stumps.some((stump) => stump.feature >= denseCount)) {
        context.addIssue({ code: 'custom', path: [...path, 'member', 'stumps'], message: 'stump feature out of range' });
      }
    });
  });

export type RouterArtifact = z.infer<typeof routerArtifactSchema>;
export type TrainedOn = RouterArtifact['trainedOn'];
export type RouterFeatures = RouterArtifact['features'];
export type RouterModelSpec = RouterArtifact['model'];
export type RouterModelMember = RouterModelSpec['members'][number]['member'];
export type RouterCalibration = NonNullable<RouterArtifact['calibration']>;

/** Validates a parsed JSON value as a router artifact; errors name `source` and the field at fault. */
export function parseRouterArtifact(json: unknown, source: string): RouterArtifact {
  const parsed = routerArtifactSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      let path: PropertyKey[] = issue.path;
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
        path = [...issue.path, issue.keys[0]!];
      }
      return { file: source, path: formatPath(path), message: `router artifact: ${message}` };
    }),
  );
}

/** Reads and validates a router artifact file. */
export async function readRouterArtifact(path: string): Promise<RouterArtifact> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ file: path, path: '', message: `cannot read router artifact: ${reason}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ file: path, path: '', message: `router artifact is not valid JSON: ${(error as Error).message}` }]);
  }
  return parseRouterArtifact(json, path);
}
