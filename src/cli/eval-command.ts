import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { WORKLOAD_MODEL_PREFIX } from '../core/config/resolve-config.js';
import { RequestPipeline } from '../core/pipeline/request-pipeline.js';
import { buildGatewayRuntime, type GatewayRuntime } from '../core/registry/gateway-runtime.js';
import { ConfigError, formatConfigIssue, InvalidRequestError } from '../spec/errors.js';
import { loadEvalSet } from '../evals/eval-sets/load-eval-set.js';
import type { EvalCase } from '../evals/eval-sets/eval-case-schema.js';
import { DEFAULT_EVAL_CACHE_DIRECTORY } from '../evals/runner/eval-result-cache.js';
import { scoreSamples, type EvalReport } from '../evals/runner/eval-report.js';
import { runEval, type EvalProgress, type EvalRun } from '../evals/runner/run-eval.js';
import { scorerSpecSchema, type ScorerSpec } from '../evals/scorers/scorer-spec.js';
import { comparePaired, type PairedComparison } from '../evals/statistics/paired-comparison.js';
import { gate } from '../evals/statistics/gate.js';
import type { EvalRunRecord, EvaluationStore } from '../core/evaluation/evaluation-records.js';
import { hashEvalSetFile } from '../evals/gating/eval-set-identity.js';
import { gateRecordOf } from '../evals/gating/gate-record.js';
import { modelVersionOf } from '../evals/gating/model-version.js';
import { previousVersionRun } from '../evals/gating/previous-version-run.js';
import { evalRunRecordOf, recordedSamples } from '../evals/gating/recorded-eval-run.js';
import { workloadEvalSet, type WorkloadEvalSet } from '../evals/gating/workload-eval-set.js';
import { openEvaluationStore, type OpenedEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import type { StorageConfig } from '../store/storage-config.js';
import { CliExit, fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

export interface EvalCommandDependencies {
  /** Where runs and gates are recorded. Default: the configured storage, opened on this thread. */
  openStore?: (storage: StorageConfig) => Promise<OpenedEvaluationStore>;
  now?: () => number;
}

interface CommonOptions {
  set?: string;
  workload?: string;
  config?: string;
  concurrency: string;
  scorer?: string;
  judgeModel?: string;
  cacheDir: string;
  cache: boolean;
  record: boolean;
  json?: boolean;
}

interface RunOptions extends CommonOptions {
  model?: string;
  out?: string;
  confidence: string;
}

interface CompareOptions extends CommonOptions {
  candidate?: string;
  baseline?: string;
  confidence?: string;
}

interface GateOptions extends CompareOptions {
  maxDrop?: string;
  mode?: string;
}

/** Everything a run needs, prepared once per command. */
interface EvalContext {
  setFile: string;
  /** SHA-256 of the set file: which set a recorded run or gate was on. */
  setHash: string;
  /** The workload named by `--workload`, with its eval set when it declares one. */
  workload?: { name: string; set?: WorkloadEvalSet };
  cases: EvalCase[];
  runtime: GatewayRuntime;
  pipeline: RequestPipeline;
  concurrency: number;
  scorer: ScorerSpec;
  judgeModel?: string;
  cacheDirectory: string | false;
  json: boolean;
  /** Open unless `--no-record` or the request log is off. */
  recorder?: { store: EvaluationStore; close(): Promise<void> };
  now: () => number;
}

function addCommonOptions(command: Command): Command {
  return command
    .option('--set <file.jsonl>', 'eval set (JSONL); default: the --workload\'s evaluation.eval_set')
    .option('--workload <name>', 'use this workload\'s eval set, scorer and judge model (for gate also its gate settings and current model as baseline); runs are recorded under it')
    .option('--config <file>', 'gateway config (default: $SWITCHYARD_CONFIG, ./switchyard.yaml, then the embedded simulated config)')
    .option('--concurrency <n>', 'cases in flight at once', '4')
    .option('--scorer <type|json>', 'default scorer for cases without their own, e.g. contains or \'{"type":"numeric","relative_tolerance":0.01}\' (default: the workload\'s, else exact)')
    .option('--judge-model <model>', 'model for judge scorers')
    .option('--cache-dir <dir>', 'where answers are cached between runs', DEFAULT_EVAL_CACHE_DIRECTORY)
    .option('--no-cache', 'neither read nor write the eval cache')
    .option('--no-record', 'do not record runs and gates in the configured database (they are recorded unless request_log.enabled is false)')
    .option('--json', 'machine-readable output');
}

/**
 * `switchyard eval run | compare | gate`: eval sets sent through the gateway's own pipeline. Every
 * run (with its per-case scores) and every gate verdict is recorded in the configured database, so
 * the registry can require a passing gate before a model is approved for a workload.
 */
export function registerEvalCommands(program: Command, dependencies: EvalCommandDependencies = {}): void {
  const evalCommand = program.command('eval').description('run eval sets through the gateway, compare models and gate changes');
  addCommonOptions(evalCommand.command('run').description('score one model on an eval set'))
    .option('--model <name>', 'model or workload/<name> to evaluate')
    .option('--out <results.jsonl>', 'append results here; a re-run skips cases already in it')
    .option('--confidence <c>', 'confidence of the score interval', '0.95')
    .action(async (options: RunOptions) => {
      const json = options.json === true;
      try {
        await runCommand(options, json, dependencies);
      } catch (error) {
        rethrowOrFail(error, json);
      }
    });
  addCommonOptions(evalCommand.command('compare').description('paired comparison of two models on the same eval set'))
    .option('--candidate <name>', 'the model being considered')
    .option('--baseline <name>', 'the model it is compared with (default: the --workload\'s current model)')
    .option('--confidence <c>', 'confidence of the difference interval', '0.95')
    .action(async (options: CompareOptions) => {
      const json = options.json === true;
      try {
        await compareCommand(options, json, dependencies);
      } catch (error) {
        rethrowOrFail(error, json);
      }
    });
  addCommonOptions(evalCommand.command('gate').description('exit 1 when the candidate is worse than the baseline beyond --max-drop with confidence'))
    .option('--candidate <name>', 'the model being considered')
    .option('--baseline <name>', 'the model it must not be worse than (default: the --workload\'s current model; when that is the candidate, its newest recorded run of an earlier version)')
    .option('--max-drop <d>', 'allowed drop of the mean score, e.g. 0.01 (default: the workload\'s gate.max_drop)')
    .option('--confidence <c>', 'one-sided confidence of the decision (default: the workload\'s, else 0.95)')
    .option('--mode <mode>', 'regression (fail when shown worse) | non-inferiority (pass only when shown no worse) (default: the workload\'s, else regression)')
    .action(async (options: GateOptions) => {
      const json = options.json === true;
      try {
        await gateCommand(options, json, dependencies);
      } catch (error) {
        rethrowOrFail(error, json);
      }
    });
}

/** A gate that fails has already printed its reason; anything else is reported by `fail`. */
function rethrowOrFail(error: unknown, json: boolean): never {
  if (error instanceof CliExit) throw error;
  fail(error, json);
}

async function prepare(options: CommonOptions, dependencies: EvalCommandDependencies): Promise<EvalContext> {
  const concurrency = integer('--concurrency', options.concurrency, 1);
  const { config } = await loadConfigForCli(options.config);
  const workloadSet = options.workload === undefined ? undefined : workloadEvalSet(config, options.workload);
  if (options.workload !== undefined && workloadSet === undefined && options.set === undefined) {
    throw new InvalidRequestError(`workload '${options.workload}' declares no evaluation.eval_set; pass --set`);
  }
  const setFile = options.set === undefined ? workloadSet?.path ?? required(undefined, '--set') : resolve(options.set);
  const scorer = options.scorer === undefined ? workloadSet?.scorer ?? parseScorer('exact') : parseScorer(options.scorer);
  const judgeModel = options.judgeModel ?? workloadSet?.judgeModel;
  const cases = await loadSetOneLine(setFile);
  const setHash = await hashEvalSetFile(setFile);
  // Opened before anything runs: a database that cannot be reached fails the command before it spends money.
  const recorder = options.record && config.requestLog.enabled ? await (dependencies.openStore ?? openEvaluationStore)(config.storage) : undefined;
  return {
    setFile,
    setHash,
    ...(options.workload === undefined ? {} : { workload: { name: options.workload, ...(workloadSet === undefined ? {} : { set: workloadSet }) } }),
    cases,
    runtime: buildGatewayRuntime(config),
    pipeline: new RequestPipeline(),
    concurrency,
    scorer,
    ...(judgeModel === undefined ? {} : { judgeModel }),
    cacheDirectory: options.cache ? resolve(options.cacheDir) : false,
    json: options.json === true,
    ...(recorder === undefined ? {} : { recorder }),
    now: dependencies.now ?? Date.now,
  };
}

/** Prepares, runs `work`, and closes the store whatever happens. */
async function withContext(options: CommonOptions, dependencies: EvalCommandDependencies, work: (context: EvalContext) => Promise<void>): Promise<void> {
  const context = await prepare(options, dependencies);
  try {
    await work(context);
  } finally {
    await context.recorder?.close();
  }
}

async function evaluate(context: EvalContext, model: string, extra: { resultsFile?: string; confidence?: number } = {}): Promise<EvalRun> {
  return withProgress(context.json, `eval ${model}`, (onProgress) =>
    runEval({
      cases: context.cases,
      setFile: context.setFile,
      model,
      runtime: context.runtime,
      pipeline: context.pipeline,
      concurrency: context.concurrency,
      scorer: context.scorer,
      ...(context.judgeModel === undefined ? {} : { judgeModel: context.judgeModel }),
      cacheDirectory: context.cacheDirectory,
      ...(extra.resultsFile === undefined ? {} : { resultsFile: extra.resultsFile }),
      ...(extra.confidence === undefined ? {} : { confidence: extra.confidence }),
      onProgress,
    }),
  );
}

/** Records a run (with its per-case scores) when recording is on; the record, else undefined. */
async function recordRun(context: EvalContext, run: EvalRun, trigger: 'cli' | 'gate'): Promise<EvalRunRecord | undefined> {
  if (context.recorder === undefined) return undefined;
  const record = evalRunRecordOf({
    report: run.report,
    results: run.results,
    setPath: context.setFile,
    setHash: context.setHash,
    model: run.report.model,
    modelVersion: modelVersionOf(context.runtime.config, run.report.model),
    workload: context.workload?.name ?? (run.report.model.startsWith(WORKLOAD_MODEL_PREFIX) ? run.report.model.slice(WORKLOAD_MODEL_PREFIX.length) : undefined),
    trigger,
    now: context.now,
  });
  await context.recorder.store.recordEvalRun(record);
  return record;
}

function recordedLines(recorded: { runIds: string[]; gateId?: string } | null): string[] {
  if (recorded === null) return ['not recorded (--no-record or request_log.enabled: false)'];
  return [`recorded run${recorded.runIds.length === 1 ? '' : 's'} ${recorded.runIds.join(', ')}${recorded.gateId === undefined ? '' : `; gate ${recorded.gateId}`}`];
}

async function runCommand(options: RunOptions, json: boolean, dependencies: EvalCommandDependencies): Promise<void> {
  const model = required(options.model, '--model');
  const confidence = probability('--confidence', options.confidence);
  await withContext(options, dependencies, async (context) => {
    const run = await evaluate(context, model, { confidence, ...(options.out === undefined ? {} : { resultsFile: resolve(options.out) }) });
    const record = await recordRun(context, run, 'cli');
    const recorded = record === undefined ? null : { runIds: [record.id] };
    printResult(json, { ok: run.report.failed === 0, set: context.setFile, setHash: context.setHash, resumed: run.resumed, recorded, report: run.report }, () =>
      [
        `eval ${context.setFile}`,
        ...reportLines(run.report),
        ...(run.resumed > 0 ? [`resumed ${run.resumed} cases from ${options.out}`] : []),
        ...recordedLines(recorded),
      ].join('\n'),
    );
    failIfIncomplete(run.report, json);
  });
}

async function compareCommand(options: CompareOptions, json: boolean, dependencies: EvalCommandDependencies): Promise<void> {
  const candidate = required(options.candidate, '--candidate');
  const confidence = probability('--confidence', options.confidence ?? '0.95');
  await withContext(options, dependencies, async (context) => {
    const baseline = options.baseline ?? context.workload?.set?.routeModel ?? required(undefined, '--baseline');
    const candidateRun = await evaluate(context, candidate, { confidence });
    const baselineRun = await evaluate(context, baseline, { confidence });
    const records = [await recordRun(context, candidateRun, 'cli'), await recordRun(context, baselineRun, 'cli')];
    const recorded = context.recorder === undefined ? null : { runIds: records.flatMap((record) => (record === undefined ? [] : [record.id])) };
    failIfIncomplete(candidateRun.report, json);
    failIfIncomplete(baselineRun.report, json);
    const comparison = comparePaired(scoreSamples(candidateRun.results), scoreSamples(baselineRun.results), { confidence });
    printResult(
      json,
      { ok: true, set: context.setFile, setHash: context.setHash, comparison: comparisonJson(comparison), recorded, candidate: candidateRun.report, baseline: baselineRun.report },
      () => [`eval compare ${context.setFile}`, ...reportLines(candidateRun.report), ...reportLines(baselineRun.report), comparisonLine(comparison), ...recordedLines(recorded)].join('\n'),
    );
  });
}

/** The gate's settings: flags first, then the workload's `eval_set.gate`, then the defaults. */
function gateSettings(options: GateOptions, set: WorkloadEvalSet | undefined) {
  const maxDropText = options.maxDrop ?? (set === undefined ? undefined : String(set.gate.maxDrop));
  const maxDrop = nonNegative('--max-drop', required(maxDropText, '--max-drop'));
  const confidence = options.confidence === undefined ? set?.gate.confidence ?? 0.95 : probability('--confidence', options.confidence);
  const mode = options.mode ?? set?.gate.mode ?? 'regression';
  if (mode !== 'regression' && mode !== 'non-inferiority') throw new InvalidRequestError(`--mode: expected regression or non-inferiority, got '${mode}'`);
  return { maxDrop, confidence, mode } as const;
}

async function gateCommand(options: GateOptions, json: boolean, dependencies: EvalCommandDependencies): Promise<void> {
  const candidate = required(options.candidate, '--candidate');
  await withContext(options, dependencies, async (context) => {
    const settings = gateSettings(options, context.workload?.set);
    const baseline = options.baseline ?? context.workload?.set?.routeModel ?? required(undefined, '--baseline');
    const config = context.runtime.config;
    // Looked up before anything runs: no money is spent on a gate that has nothing to compare with.
    const previous =
      options.baseline === undefined && baseline === candidate
        ? await previousVersionRun(context.recorder?.store, { model: candidate, workload: context.workload?.name ?? '', setHash: context.setHash, version: modelVersionOf(config, candidate) })
        : undefined;
    const candidateRun = await evaluate(context, candidate, { confidence: settings.confidence });
    const baselineRun = previous === undefined ? await evaluate(context, baseline, { confidence: settings.confidence }) : undefined;
    const candidateRecord = await recordRun(context, candidateRun, 'gate');
    const baselineRecord = baselineRun === undefined ? undefined : await recordRun(context, baselineRun, 'gate');
    // A gate on cases that never ran would approve on missing evidence.
    failIfIncomplete(candidateRun.report, json);
    if (baselineRun !== undefined) failIfIncomplete(baselineRun.report, json);
    const baselineSamples = baselineRun === undefined ? recordedSamples(previous!) ?? [] : scoreSamples(baselineRun.results);
    const decision = gate({ candidate: scoreSamples(candidateRun.results), baseline: baselineSamples, ...settings });
    const gateRecord =
      context.recorder === undefined
        ? undefined
        : gateRecordOf({
            decision,
            maxDrop: settings.maxDrop,
            workload: context.workload?.name,
            setPath: context.setFile,
            setHash: context.setHash,
            candidate,
            candidateVersion: modelVersionOf(config, candidate),
            baseline,
            baselineVersion: previous?.modelVersion ?? modelVersionOf(config, baseline),
            trigger: 'cli',
            actor: 'cli',
            candidateRunId: candidateRecord?.id,
            baselineRunId: previous?.id ?? baselineRecord?.id,
            now: context.now,
          });
    if (gateRecord !== undefined) await context.recorder?.store.recordGate(gateRecord);
    const recorded = gateRecord === undefined ? null : { runIds: [candidateRecord, baselineRecord].flatMap((record) => (record === undefined ? [] : [record.id])), gateId: gateRecord.id };
    const { comparison, ...rest } = decision;
    const earlier = previous === undefined ? undefined : { model: previous.model, modelVersion: previous.modelVersion, recordedRun: { id: previous.id, time: previous.time, mean: previous.mean } };
    const verdict = { ok: decision.passed, set: context.setFile, setHash: context.setHash, ...rest, maxDrop: settings.maxDrop, comparison: comparisonJson(comparison), recorded, candidate: candidateRun.report, baseline: baselineRun?.report ?? earlier };
    if (decision.passed) {
      const baselineLines = baselineRun === undefined ? [`baseline: recorded run ${previous?.id} of ${baseline} (version ${previous?.modelVersion})`] : reportLines(baselineRun.report);
      printResult(json, verdict, () =>
        [`eval gate ${context.setFile}`, ...reportLines(candidateRun.report), ...baselineLines, comparisonLine(comparison), `gate ${decision.reason}`, ...recordedLines(recorded)].join('\n'),
      );
      return;
    }
    if (json) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    else process.stderr.write(`gate failed: ${candidate} vs ${baseline}${previous === undefined ? '' : ' (earlier version)'}: ${decision.reason}\n`);
    throw new CliExit(1);
  });
}

/** The comparison without its (long) bootstrap sample. */
function comparisonJson(comparison: PairedComparison): Omit<PairedComparison, 'bootstrapDifferences'> {
  const { bootstrapDifferences: _bootstrapDifferences, ...rest } = comparison;
  return rest;
}

function failIfIncomplete(report: EvalReport, json: boolean): void {
  const first = report.failures[0];
  if (first === undefined) return;
  fail(new Error(`${report.failed} of ${report.cases} cases failed on ${report.model}; re-run to retry them (first: ${first.id}: ${first.code}: ${first.message})`), json);
}

function formatScore(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(3);
}

function reportLines(report: EvalReport): string[] {
  const score = report.score;
  const headline = score
    ? `${report.model}: score ${formatScore(score.mean)} [${formatScore(score.lower)}, ${formatScore(score.upper)}] (${Math.round(score.confidence * 100)}% CI)`
    : `${report.model}: no case was scored`;
  const counts = `${report.cases} cases: ${report.scored} scored, ${report.unscored} unscored, ${report.failed} failed, ${report.cached} cached`;
  const cost = `cost ${report.costUsd === undefined ? 'unknown (unpriced deployment)' : `$${report.costUsd.toFixed(6)}`}, spent this run ${report.spentUsd === undefined ? 'unknown' : `$${report.spentUsd.toFixed(6)}`}`;
  const latency = `latency p50 ${formatMs(report.latencyMs.p50)}, p95 ${formatMs(report.latencyMs.p95)}`;
  const tags = report.tags.length === 0 ? [] : [table(['tag', 'n', 'mean', 'lower', 'upper'], report.tags.map((row) => [row.tag, String(row.n), formatScore(row.mean), formatScore(row.lower), formatScore(row.upper)]))];
  return [headline, counts, ...tags, `${cost}; ${latency}`];
}

function comparisonLine(comparison: PairedComparison): string {
  return `paired (${comparison.pairedCases} cases): candidate − baseline = ${comparison.meanDifference.toFixed(4)} [${comparison.lower.toFixed(4)}, ${comparison.upper.toFixed(4)}] (${Math.round(comparison.confidence * 100)}% CI), p = ${comparison.pValue.toPrecision(3)} (${comparison.pValueMethod})`;
}

function formatMs(value: number | undefined): string {
  return value === undefined ? '-' : `${Math.round(value)} ms`;
}

async function withProgress<T>(json: boolean, label: string, work: (onProgress: (progress: EvalProgress) => void) => Promise<T>): Promise<T> {
  if (json || !process.stderr.isTTY) return work(() => undefined);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} | cached {cached} | failed {failed}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    return await work((progress) => {
      if (!started) {
        bar.start(progress.total, progress.done, { cached: 0, failed: 0 });
        started = true;
      }
      bar.update(progress.done, { cached: progress.cached, failed: progress.failed });
    });
  } finally {
    if (started) bar.stop();
  }
}

/** A bad set is reported on one line: the first problem (file:line: field: message) and how many more. */
async function loadSetOneLine(setFile: string): Promise<EvalCase[]> {
  try {
    return await loadEvalSet(setFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [first, ...rest] = error.issues;
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})`;
    throw new InvalidRequestError(`eval set ${first ? formatConfigIssue(first) : setFile}${more}`);
  }
}

function parseScorer(text: string): ScorerSpec {
  let raw: unknown = { type: text };
  if (text.trim().startsWith('{')) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new InvalidRequestError(`--scorer: invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const parsed = scorerSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRequestError(`--scorer: ${issue ? `${issue.path.join('.') || 'type'}: ${issue.message}` : 'invalid scorer'}`);
  }
  return parsed.data;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new InvalidRequestError(`${option} is required`);
  return value;
}

function integer(option: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new InvalidRequestError(`${option}: expected an integer ≥ ${minimum}, got '${text}'`);
  return value;
}

function probability(option: string, text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 1)) throw new InvalidRequestError(`${option}: expected a number between 0 and 1, got '${text}'`);
  return value;
}

function nonNegative(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidRequestError(`${option}: expected a number ≥ 0, got '${text}'`);
  return value;
}
