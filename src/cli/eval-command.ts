import { resolve } from 'node:path';
import type { Command } from 'commander';
import { WORKLOAD_MODEL_PREFIX } from '../core/config/resolve-config.js';
import { RequestPipeline } from '../core/pipeline/request-pipeline.js';
import { buildOfflineRuntime, type GatewayRuntime } from '../core/registry/gateway-runtime.js';
import { InvalidRequestError } from '../spec/errors.js';
import type { EvalCase } from '../evals/eval-sets/eval-case-schema.js';
import { DEFAULT_EVAL_CACHE_DIRECTORY } from '../evals/runner/eval-result-cache.js';
import { scoreSamples } from '../evals/runner/eval-report.js';
import { runEval, type EvalRun } from '../evals/runner/run-eval.js';
import type { ScorerSpec } from '../evals/scorers/scorer-spec.js';
import { comparePaired } from '../evals/statistics/paired-comparison.js';
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
import { CliExit, fail, printResult } from './cli-output.js';
import { comparisonJson, comparisonLine, failIfIncomplete, reportLines, withProgress } from './eval-command-output.js';
import { integer, loadSetOneLine, nonNegative, parseScorer, probability, required } from './eval-command-options.js';
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
    runtime: buildOfflineRuntime(config),
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
