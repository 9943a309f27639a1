import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { createLearnedRouterModel, readRouterArtifact, type RouterArtifact } from '../../core/routing/learned/router-artifact.js';
import { MODEL_EMBEDDER_PREFIX } from '../../core/routing/embeddings/gateway-embedders.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { outOfFoldScores, scorePrompts, type ProgressCallback } from './learned-router-evaluation.js';
import type { PriceList, RoutingDataset, SplitName } from './routing-dataset.js';
import type { PolicyReport } from './routing-evaluation.js';
import { pairTotals, type OperatingCriterion, type PairTotals } from './routing-metrics.js';
import type { GoodEnoughRule, ModelPair } from './routing-pair.js';
import {
  cascadeKindFor,
  createEvaluationContext,
  evaluateAgreementCascade,
  evaluateCombinedPolicy,
  evaluateJudgeCascade,
  evaluateLearnedRouter,
  evaluateSimpleRouter,
  type RoutingEvaluationContext,
} from './routing-policies.js';
import { isSimpleRouterName, SIMPLE_ROUTER_NAMES } from './simple-routers.js';

/**
 * `--router` specs of `switchyard router eval`: a comma-separated list of router names, cascades,
 * learned router files and `combined:<file>`; `baselines` expands to every reference router and
 * the cascade the data supports.
 */

export interface RouterSpecRequest {
  readonly dataset: RoutingDataset;
  readonly prices: PriceList;
  readonly pair: ModelPair;
  readonly rule: GoodEnoughRule;
  readonly split: SplitName | 'all';
  readonly criterion: OperatingCriterion;
  readonly specs: string;
  readonly folds: number;
  readonly seed: number;
  readonly secondModel?: string;
  readonly onProgress?: ProgressCallback;
}

export interface RouterSpecEvaluation {
  readonly context: RoutingEvaluationContext;
  readonly reports: PolicyReport[];
  /** All-weak and all-strong on the evaluated prompts. */
  readonly totals: PairTotals;
}

const CASCADE_NAMES = ['cascade', 'cascade-agreement', 'cascade-judge'];

export async function evaluateRouterSpecs(request: RouterSpecRequest): Promise<RouterSpecEvaluation> {
  const context = createEvaluationContext(request.dataset, request.prices, request.pair, request.rule, request.split, request.criterion);
  const specs = expandSpecs(request.specs);
  const reports: PolicyReport[] = [];
  let done = 0;
  const step = () => request.onProgress?.((done += 1), specs.length);
  for (const spec of specs) {
    reports.push(await evaluateSpec(context, spec, request));
    step();
  }
  return { context, reports, totals: pairTotals(context.evaluate) };
}

function expandSpecs(text: string): string[] {
  const specs = text
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '')
    .flatMap((spec) => (spec === 'baselines' ? [...SIMPLE_ROUTER_NAMES, 'cascade'] : [spec]));
  if (specs.length === 0) throw new InvalidRequestError('--router: no router given');
  return [...new Set(specs)];
}

async function evaluateSpec(context: RoutingEvaluationContext, spec: string, request: RouterSpecRequest): Promise<PolicyReport> {
  if (isSimpleRouterName(spec)) return evaluateSimpleRouter(context, spec);
  if (CASCADE_NAMES.includes(spec)) {
    const kind = spec === 'cascade' ? cascadeKindFor(context) : spec === 'cascade-judge' ? 'judge' : 'agreement';
    return kind === 'judge' ? evaluateJudgeCascade(context) : evaluateAgreementCascade(context, request.secondModel);
  }
  if (spec.startsWith('combined:')) {
    const file = spec.slice('combined:'.length);
    const artifact = await readArtifact(file, context.pair, request.dataset);
    const model = createLearnedRouterModel(artifact);
    // lo/hi are chosen on train, so train needs scores from models that did not see each prompt.
    const tune = outOfFoldScores(context.tune, {
      variant: artifact.variant,
      pair: context.pair,
      trainedOn: artifact.trainedOn,
      seed: request.seed,
      folds: request.folds,
      ...(artifact.features.embedding === undefined ? {} : { embedder: artifact.features.embedding.embedder }),
    });
    const scores = { tune, evaluate: scorePrompts(model, context.evaluate) };
    return evaluateCombinedPolicy(context, `combined (${artifact.variant})`, scores, cascadeKindFor(context), request.secondModel === undefined ? {} : { second: request.secondModel });
  }
  const artifact = await readArtifact(spec, context.pair, request.dataset);
  const model = createLearnedRouterModel(artifact);
  return evaluateLearnedRouter(
    context,
    `learned ${artifact.variant} (${basename(spec)})`,
    `learned router, ${artifact.variant} variant, trained on ${artifact.trainedOn.examples} ${artifact.trainedOn.split} prompts`,
    { tune: scorePrompts(model, context.tune), evaluate: scorePrompts(model, context.evaluate) },
    artifact.threshold,
    artifact.calibration ? `calibrated: ${artifact.calibration.method}` : 'uncalibrated',
  );
}

async function readArtifact(file: string, pair: ModelPair, dataset: RoutingDataset): Promise<RouterArtifact> {
  try {
    await access(file);
  } catch {
    throw new InvalidRequestError(
      `--router: '${file}' is neither a router name (${[...SIMPLE_ROUTER_NAMES, ...CASCADE_NAMES, 'combined:<file>', 'baselines'].join(', ')}) nor a readable router file`,
    );
  }
  const artifact = await readRouterArtifact(file);
  if (artifact.strong !== pair.strong || artifact.weak !== pair.weak) {
    throw new InvalidRequestError(`--router: ${file} was trained for strong '${artifact.strong}' / weak '${artifact.weak}', not '${pair.strong}' / '${pair.weak}'`);
  }
  const embedder = artifact.features.embedding?.embedder;
  if (embedder !== undefined && dataset.rows.some((row) => row.embedding === undefined)) {
    const configHint = embedder.startsWith(MODEL_EMBEDDER_PREFIX) ? ' and --config <the file that defines that model>' : '';
    throw new InvalidRequestError(`--router: ${file} reads prompt embeddings from '${embedder}': add --embeddings ${embedder}${configHint}`);
  }
  return artifact;
}
