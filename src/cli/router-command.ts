import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { renderAsciiChart } from '../core/cost/ascii-chart.js';
import { createLearnedRouterModel, readRouterArtifact } from '../core/routing/learned/router-artifact.js';
import { InvalidRequestError } from '../spec/errors.js';
import {
  calibrateThreshold,
  routerInputOf,
  trainWithOutOfFoldScores,
  withCalibration,
  type LearnedVariant,
  type ProgressCallback,
} from '../evals/routing/learned-router-evaluation.js';
import { embedPrompts } from '../evals/routing/embed-dataset.js';
import { EMBEDDINGS_HELP, embedRows, openEmbedder, type WithProgress } from './router-embeddings.js';
import { DEFAULT_PRICES_FILE, loadPriceList, loadRoutingDataset, rowsOfSplit, type SplitName } from '../evals/routing/routing-dataset.js';
import type { OperatingCriterion } from '../evals/routing/routing-metrics.js';
import { defaultGoodEnoughRule, goodEnoughRule, pairPrompts } from '../evals/routing/routing-pair.js';
import { costQualityChart, renderCostQualitySvg, policyTableRows, POLICY_TABLE_HEADERS, reportToJson, settingRows } from '../evals/routing/routing-report.js';
import { evaluateRouterSpecs } from '../evals/routing/router-specs.js';
import type { ShadowPair } from '../core/evaluation/evaluation-records.js';
import { shadowTrainedOn, shadowTrainingSet } from '../evals/shadow/shadow-training.js';
import { openEvaluationStore, type OpenedEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import type { StorageConfig } from '../store/storage-config.js';
import { fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

export interface RouterCommandDependencies {
  /** Where `router train --from-shadow` reads pairs; default: the configured storage, opened on this thread. */
  openEvaluationStore?: (storage: StorageConfig) => Promise<OpenedEvaluationStore>;
  now?: () => number;
}

interface CommonOptions {
  data?: string;
  prices: string;
  json?: boolean;
}

interface TrainOptions extends CommonOptions {
  fromShadow?: boolean;
  workload?: string;
  since?: string;
  config?: string;
  strong?: string;
  weak?: string;
  out?: string;
  variant: string;
  targetQuality?: string;
  maxCost?: string;
  folds: string;
  seed: string;
  embeddings?: string;
}

interface ScoreOptions {
  router?: string;
  data?: string;
  split: string;
  out?: string;
  config?: string;
  json?: boolean;
}

interface EvalOptions extends CommonOptions {
  strong?: string;
  weak?: string;
  router?: string;
  split: string;
  plot?: string;
  targetQuality?: string;
  maxCost?: string;
  secondModel?: string;
  goodEnoughMargin?: string;
  folds: string;
  seed: string;
  embeddings?: string;
  config?: string;
}

/** `switchyard router train | score | eval`: the learned router, offline, on the shared data format. */
export function registerRouterCommands(program: Command, dependencies: RouterCommandDependencies = {}): void {
  const router = program.command('router').description('train, score and evaluate routers offline on recorded model outputs');
  router
    .command('train')
    .description('train a learned router on the train split (or on production shadow pairs) and calibrate its threshold on held-out folds')
    .option('--data <jsonl>', 'data file in the shared routing format')
    .option('--from-shadow', "train on the shadow pairs in the config's evaluation store instead of --data")
    .option('--workload <name>', 'with --from-shadow: only this workload\'s pairs (its routing.learned names --weak/--strong)')
    .option('--since <days|iso>', 'with --from-shadow: only pairs from the last N days (30, 30d) or since an ISO date')
    .option('--config <file>', 'with --from-shadow: config whose storage to read; with --embeddings model:<name>: config of that model (default: SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--strong <model>', 'the strong (expensive) model')
    .option('--weak <model>', 'the weak (cheap) model')
    .option('--out <router.json>', 'where to write the router artifact')
    .option('--variant <name>', 'baseline | switchyard', 'switchyard')
    .option('--target-quality <share>', 'keep quality ≥ share × strong quality (default 0.95)')
    .option('--max-cost <share|$usd>', 'or: best quality within this share of all-strong cost (0.3) or US$ per prompt ($0.002)')
    .option('--folds <k>', 'folds for the held-out scores used to calibrate', '5')
    .option('--seed <n>', 'seed for the folds', '1')
    .option('--embeddings <embedder>', `also learn from prompt embeddings (${EMBEDDINGS_HELP}); the gateway then embeds each routed prompt the same way`)
    .option('--prices <file>', 'prices file (US$ per 1M tokens)', DEFAULT_PRICES_FILE)
    .option('--json', 'machine-readable output')
    .action(async (options: TrainOptions) => {
      const json = options.json === true;
      try {
        if (options.fromShadow === true) await runTrainFromShadow(options, json, dependencies);
        else await runTrain(options, json);
      } catch (error) {
        fail(error, json);
      }
    });
  router
    .command('score')
    .description('write {"id","score"} per prompt (higher = needs the strong model)')
    .option('--router <router.json>', 'router artifact')
    .option('--data <jsonl>', 'data file in the shared routing format')
    .option('--split <name>', 'train | test | all', 'all')
    .option('--out <scores.jsonl>', 'where to write the scores')
    .option('--config <file>', 'for a router that embeds with model:<name>: the config of that model')
    .option('--json', 'machine-readable output')
    .action(async (options: ScoreOptions) => {
      const json = options.json === true;
      try {
        await runScore(options, json);
      } catch (error) {
        fail(error, json);
      }
    });
  router
    .command('eval')
    .description('quality, cost, PGR/APGR, CPT and escalation errors of routers and cascades; settings chosen on train')
    .option('--data <jsonl>', 'data file in the shared routing format')
    .option('--strong <model>', 'the strong (expensive) model')
    .option('--weak <model>', 'the weak (cheap) model')
    .option(
      '--router <specs>',
      'comma-separated: <router.json> | random | length | oracle | all-weak | all-strong | cascade-agreement | cascade-judge | combined:<router.json> | baselines',
    )
    .option('--split <name>', 'split to report on: test | train | all', 'test')
    .option('--plot <file.svg>', 'also draw the cost–quality curves as an SVG image')
    .option('--target-quality <share>', 'choose settings on train to keep quality ≥ share × strong quality (default 0.95)')
    .option('--max-cost <share|$usd>', 'or: best quality within this cost (share of all-strong, or $ per prompt)')
    .option('--second-model <model>', 'the agreement cascade\'s second cheap model (default: chosen on train)')
    .option('--good-enough-margin <q>', 'weak answer is good enough when weak ≥ strong − margin (default per data)')
    .option('--folds <k>', 'folds for the held-out train scores of combined policies', '5')
    .option('--seed <n>', 'seed for the folds', '1')
    .option('--embeddings <embedder>', `embed every prompt first, for router files trained with embeddings (${EMBEDDINGS_HELP})`)
    .option('--config <file>', 'with --embeddings model:<name>: the config of that model')
    .option('--prices <file>', 'prices file (US$ per 1M tokens)', DEFAULT_PRICES_FILE)
    .option('--json', 'machine-readable output')
    .action(async (options: EvalOptions) => {
      const json = options.json === true;
      try {
        await runEval(options, json);
      } catch (error) {
        fail(error, json);
      }
    });
}

async function runTrain(options: TrainOptions, json: boolean): Promise<void> {
  const data = required(options.data, '--data');
  const strong = required(options.strong, '--strong');
  const weak = distinctFrom(strong, required(options.weak, '--weak'));
  const out = required(options.out, '--out');
  const variant = parseVariant(options.variant);
  const criterion = parseCriterion(options);
  const folds = integer('--folds', options.folds, 2);
  const seed = integer('--seed', options.seed, 0);
  const [loaded, prices] = await Promise.all([loadRoutingDataset(data), loadPriceList(options.prices)]);
  if (options.embeddings !== undefined && variant === 'baseline') throw new InvalidRequestError('--embeddings: the baseline variant reads n-grams only; use --variant switchyard');
  const embedded = options.embeddings === undefined ? undefined : await embedRows(loaded, options.embeddings, progressOf(json), rowsOfSplit(loaded, 'train'), options.config);
  const dataset = embedded?.dataset ?? loaded;
  const pair = { strong, weak };
  const prompts = pairPrompts(dataset, rowsOfSplit(dataset, 'train'), prices, pair, defaultGoodEnoughRule(dataset, pair));
  if (prompts.length < folds * 2) throw new InvalidRequestError(`${data}: ${prompts.length} train rows are too few for ${folds} folds`);
  const trainedOn = { file: data, sha256: dataset.sha256, split: 'train', examples: prompts.length };
  const job = { variant, pair, trainedOn, seed, folds, ...(embedded ? { embedder: embedded.embedder } : {}) };
  const trained = await withProgress(json, `training ${variant}`, (onProgress) => trainWithOutOfFoldScores(prompts, { ...job, onProgress }));
  const calibration = calibrateThreshold(prompts, trained.outOfFoldScores, criterion);
  const artifact = withCalibration(trained.artifact, calibration, criterion, folds);
  await writeFile(out, `${JSON.stringify(artifact)}\n`);
  const summary = {
    ok: true,
    out,
    variant,
    strong,
    weak,
    trainedOn,
    threshold: artifact.threshold,
    calibration: artifact.calibration,
    heldOut: calibration.heldOut,
    reached: calibration.reached,
  };
  printResult(json, summary, () =>
    [
      `Trained ${variant} router on ${prompts.length} train prompts of ${data}; wrote ${out}.`,
      `Threshold ${artifact.threshold.toFixed(4)} (${artifact.calibration?.method}): held out, quality ${calibration.heldOut.quality.toFixed(3)}, ` +
        `cost ${(calibration.heldOut.costShare * 100).toFixed(1)}% of all-strong, ${(calibration.heldOut.strongShare * 100).toFixed(1)}% to ${strong}, PGR ${calibration.heldOut.pgr.toFixed(3)}.`,
      ...(calibration.reached ? [] : ['Warning: the calibration target was not reached on held-out data; the threshold is the nearest miss.']),
    ].join('\n'),
  );
}

async function runTrainFromShadow(options: TrainOptions, json: boolean, dependencies: RouterCommandDependencies): Promise<void> {
  if (options.data !== undefined) throw new InvalidRequestError('give --data or --from-shadow, not both');
  const out = required(options.out, '--out');
  const variant = parseVariant(options.variant);
  const criterion = parseCriterion(options);
  // Pairs hold no token counts, so cost is the strong share: a dollar cap has no meaning here.
  if (criterion.kind === 'max-cost-usd') throw new InvalidRequestError('--from-shadow: --max-cost takes a share of traffic to the strong model (0.3), not US$');
  const folds = integer('--folds', options.folds, 2);
  const seed = integer('--seed', options.seed, 0);
  if ((options.weak === undefined) !== (options.strong === undefined)) throw new InvalidRequestError('give --weak and --strong together');
  if (options.weak !== undefined && options.strong !== undefined) distinctFrom(options.strong, options.weak);
  const since = options.since === undefined ? undefined : parseSinceDays(options.since, (dependencies.now ?? Date.now)());
  const { config } = await loadConfigForCli(options.config);
  if (options.workload !== undefined && config.workloads[options.workload] === undefined) {
    const known = Object.keys(config.workloads);
    throw new InvalidRequestError(`unknown workload '${options.workload}'${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (the config has none)'}`, { param: 'workload' });
  }
  const learned = options.workload === undefined ? undefined : config.workloads[options.workload]?.routing?.learned;
  const models = options.weak !== undefined && options.strong !== undefined ? { weak: options.weak, strong: options.strong } : learned && { weak: learned.weak, strong: learned.strong };
  const opened = await (dependencies.openEvaluationStore ?? openEvaluationStore)(config.storage);
  let pairs: ShadowPair[];
  try {
    pairs = await opened.store.listShadowPairs({ limit: 100_000, ...(since === undefined ? {} : { since }), ...(options.workload === undefined ? {} : { workload: options.workload }) });
  } finally {
    await opened.close();
  }
  const set = shadowTrainingSet(pairs, models, Math.max(folds * 2, 20));
  const source = { ...(options.workload === undefined ? {} : { workload: options.workload }), ...(since === undefined ? {} : { since }) };
  const trainedOn = shadowTrainedOn(set, source);
  const pair = set.models;
  let prompts = set.prompts;
  let embedderName: string | undefined;
  if (options.embeddings !== undefined) {
    if (variant === 'baseline') throw new InvalidRequestError('--embeddings: the baseline variant reads n-grams only; use --variant switchyard');
    const embedder = await openEmbedder(options.embeddings, options.config);
    embedderName = embedder.name;
    try {
      prompts = await withProgress(json, `embedding (${embedder.name})`, (onProgress) => embedPrompts(set.prompts, embedder, onProgress));
    } finally {
      await embedder.close();
    }
  }
  const job = { variant, pair, trainedOn, seed, folds, ...(embedderName === undefined ? {} : { embedder: embedderName }) };
  const trained = await withProgress(json, `training ${variant}`, (onProgress) => trainWithOutOfFoldScores(prompts, { ...job, onProgress }));
  const calibration = calibrateThreshold(prompts, trained.outOfFoldScores, criterion);
  const artifact = withCalibration(trained.artifact, calibration, criterion, folds);
  await writeFile(out, `${JSON.stringify(artifact)}\n`);
  const { counts } = set;
  const summary = { ok: true, out, variant, strong: pair.strong, weak: pair.weak, trainedOn, counts, threshold: artifact.threshold, calibration: artifact.calibration, heldOut: calibration.heldOut, reached: calibration.reached };
  printResult(json, summary, () =>
    [
      `Trained ${variant} router on ${counts.used} shadow pairs${options.workload === undefined ? '' : ` of ${options.workload}`} (${pair.weak} → ${pair.strong}: ` +
        `${counts.needsStrong} needed the strong model, ${counts.cheapEnough} did not); wrote ${out}.`,
      `Skipped ${counts.unjudged} unjudged and ${counts.otherModels} of other models, of ${counts.pairs} read.`,
      `Threshold ${artifact.threshold.toFixed(4)} (${artifact.calibration?.method}): held out, quality ${calibration.heldOut.quality.toFixed(3)}, ` +
        `${(calibration.heldOut.strongShare * 100).toFixed(1)}% to ${pair.strong}.`,
      ...(calibration.reached ? [] : ['Warning: the calibration target was not reached on held-out data; the threshold is the nearest miss.']),
    ].join('\n'),
  );
}

/** `--since`: a number of days before now (`30`, `30d`) or an ISO date. */
function parseSinceDays(text: string, now: number): number {
  const value = text.trim();
  const days = /^(\d+(?:\.\d+)?)d?$/.exec(value);
  if (days) return now - Number(days[1]) * 86_400_000;
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new InvalidRequestError(`--since: expected a number of days (30, 30d) or an ISO date, got '${text}'`);
  return time;
}

async function runScore(options: ScoreOptions, json: boolean): Promise<void> {
  const routerFile = required(options.router, '--router');
  const data = required(options.data, '--data');
  const out = required(options.out, '--out');
  const split = parseSplit(options.split);
  const [artifact, loaded] = await Promise.all([readRouterArtifact(routerFile), loadRoutingDataset(data)]);
  const model = createLearnedRouterModel(artifact);
  // A router trained with embeddings names its embedder; the prompts are embedded with it first.
  const dataset = model.embedder === undefined ? loaded : (await embedRows(loaded, model.embedder, progressOf(json), rowsOfSplit(loaded, split), options.config)).dataset;
  const rows = rowsOfSplit(dataset, split);
  const lines = await withProgress(json, 'scoring', (onProgress) =>
    rows.map((row, index) => {
      const score = model.score(routerInputOf({ row }));
      onProgress(index + 1, rows.length);
      return JSON.stringify({ id: row.id, score });
    }),
  );
  await writeFile(out, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  printResult(json, { ok: true, out, prompts: rows.length, split, threshold: artifact.threshold }, () => `Scored ${rows.length} prompts (${split}) with ${routerFile}; wrote ${out}.`);
}

async function runEval(options: EvalOptions, json: boolean): Promise<void> {
  const data = required(options.data, '--data');
  const strong = required(options.strong, '--strong');
  const weak = distinctFrom(strong, required(options.weak, '--weak'));
  const specs = required(options.router, '--router');
  const split = parseSplit(options.split);
  const criterion = parseCriterion(options);
  const folds = integer('--folds', options.folds, 2);
  const seed = integer('--seed', options.seed, 0);
  const [loaded, prices] = await Promise.all([loadRoutingDataset(data), loadPriceList(options.prices)]);
  const dataset = options.embeddings === undefined ? loaded : (await embedRows(loaded, options.embeddings, progressOf(json), undefined, options.config)).dataset;
  const pair = { strong, weak };
  const rule =
    options.goodEnoughMargin === undefined ? defaultGoodEnoughRule(dataset, pair) : goodEnoughRule(number('--good-enough-margin', options.goodEnoughMargin, 0, 1));
  const evaluation = await withProgress(json, 'evaluating', (onProgress) =>
    evaluateRouterSpecs({ dataset, prices, pair, rule, split, criterion, specs, folds, seed, onProgress, ...(options.secondModel ? { secondModel: options.secondModel } : {}) }),
  );
  const { context, reports } = evaluation;
  if (options.plot) {
    const chart = costQualityChart(reports, context.evaluate, { title: `Cost vs quality, ${strong} / ${weak} (${split})`, columns: 101 });
    await writeFile(options.plot, renderCostQualitySvg(chart));
  }
  const totals = evaluation.totals;
  const body = {
    ok: true,
    data: { file: data, sha256: dataset.sha256, split, prompts: context.evaluate.length, trainPrompts: context.tune.length },
    pair,
    goodEnough: rule,
    criterion,
    reference: totals,
    policies: reports.map((report) => reportToJson(report)),
    ...(options.plot ? { plot: options.plot } : {}),
  };
  printResult(json, body, () => {
    const chart = costQualityChart(reports, context.evaluate, { title: 'Cost vs quality', columns: 61 });
    return [
      `${data} (${split}, ${context.evaluate.length} prompts; settings chosen on ${context.tune.length} train prompts): strong ${strong}, weak ${weak}`,
      `all-weak quality ${totals.weakQuality.toFixed(3)}, all-strong quality ${totals.strongQuality.toFixed(3)}, all-strong cost $${totals.strongCost.toFixed(4)}`,
      `good enough: ${rule.description}; under-esc = not escalated though not good enough, over-esc = escalated though good enough`,
      '',
      table(POLICY_TABLE_HEADERS, policyTableRows(reports)),
      '',
      table(['POLICY', 'SETTING (CHOSEN ON TRAIN)', 'WHAT IT DOES'], settingRows(reports)),
      '',
      renderAsciiChart(chart.series, chart.options),
      ...(options.plot ? ['', `Wrote ${options.plot}.`] : []),
    ].join('\n');
  });
}

/** `withProgress` with --json bound, for helpers that take a WithProgress. */
const progressOf = (json: boolean): WithProgress => (label, work) => withProgress(json, label, work);

/** A progress bar on stderr while `work` runs, only for a person at a terminal (not --json, not piped). */
async function withProgress<T>(json: boolean, label: string, work: (onProgress: ProgressCallback) => T | Promise<T>): Promise<T> {
  if (json || !process.stderr.isTTY) return work(() => undefined);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    return await work((done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}

/** A router chooses between two models: with one model named twice there is nothing to learn or measure. */
function distinctFrom(strong: string, weak: string): string {
  if (weak === strong) throw new InvalidRequestError(`--strong and --weak must name different models (both are '${weak}')`, { param: 'weak' });
  return weak;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new InvalidRequestError(`${option} is required`);
  return value;
}

function parseVariant(text: string): LearnedVariant {
  if (text === 'baseline' || text === 'switchyard') return text;
  throw new InvalidRequestError(`--variant: expected baseline or switchyard, got '${text}'`);
}

function parseSplit(text: string): SplitName | 'all' {
  if (text === 'train' || text === 'test' || text === 'all') return text;
  throw new InvalidRequestError(`--split: expected train, test or all, got '${text}'`);
}

function parseCriterion(options: { targetQuality?: string; maxCost?: string }): OperatingCriterion {
  if (options.targetQuality !== undefined && options.maxCost !== undefined) throw new InvalidRequestError('give --target-quality or --max-cost, not both');
  if (options.maxCost !== undefined) {
    const text = options.maxCost.trim();
    if (text.startsWith('$')) return { kind: 'max-cost-usd', usdPerPrompt: number('--max-cost', text.slice(1), 0) };
    return { kind: 'max-cost-share', share: number('--max-cost', text, 0) };
  }
  return { kind: 'target-quality', share: options.targetQuality === undefined ? 0.95 : number('--target-quality', options.targetQuality, 0, 1) };
}

function number(option: string, text: string, min: number, max?: number): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < min || (max !== undefined && value > max)) {
    throw new InvalidRequestError(`${option}: expected a number ≥ ${min}${max === undefined ? '' : ` and ≤ ${max}`}, got '${text}'`);
  }
  return value;
}

function integer(option: string, text: string, min: number): number {
  const value = number(option, text, min);
  if (!Number.isInteger(value)) throw new InvalidRequestError(`${option}: expected a whole number, got '${text}'`);
  return value;
}
