import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
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
import { CliExit, fail, printResult, table } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

interface CommonOptions {
  set?: string;
  config?: string;
  concurrency: string;
  scorer: string;
  judgeModel?: string;
  cacheDir: string;
  cache: boolean;
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
  confidence: string;
}

interface GateOptions extends CompareOptions {
  maxDrop?: string;
  mode: string;
}

/** Everything a run needs, prepared once per command. */
interface EvalContext {
  setFile: string;
  cases: EvalCase[];
  runtime: GatewayRuntime;
  pipeline: RequestPipeline;
  concurrency: number;
  scorer: ScorerSpec;
  judgeModel?: string;
  cacheDirectory: string | false;
  json: boolean;
}

function addCommonOptions(command: Command): Command {
  return command
    .option('--set <file.jsonl>', 'eval set (JSONL)')
    .option('--config <file>', 'gateway config (default: $SWITCHYARD_CONFIG, ./switchyard.yaml, then the embedded simulated config)')
    .option('--concurrency <n>', 'cases in flight at once', '4')
    .option('--scorer <type|json>', 'default scorer for cases without their own, e.g. contains or \'{"type":"numeric","relative_tolerance":0.01}\'', 'exact')
    .option('--judge-model <model>', 'model for judge scorers')
    .option('--cache-dir <dir>', 'where answers are cached between runs', DEFAULT_EVAL_CACHE_DIRECTORY)
    .option('--no-cache', 'neither read nor write the eval cache')
    .option('--json', 'machine-readable output');
}

/** `switchyard eval run | compare | gate`: eval sets sent through the gateway's own pipeline. */
export function registerEvalCommands(program: Command): void {
  const evalCommand = program.command('eval').description('run eval sets through the gateway, compare models and gate changes');
  addCommonOptions(evalCommand.command('run').description('score one model on an eval set'))
    .option('--model <name>', 'model or workload/<name> to evaluate')
    .option('--out <results.jsonl>', 'append results here; a re-run skips cases already in it')
    .option('--confidence <c>', 'confidence of the score interval', '0.95')
    .action(async (options: RunOptions) => {
      const json = options.json === true;
      try {
        await runCommand(options, json);
      } catch (error) {
        rethrowOrFail(error, json);
      }
    });
  addCommonOptions(evalCommand.command('compare').description('paired comparison of two models on the same eval set'))
    .option('--candidate <name>', 'the model being considered')
    .option('--baseline <name>', 'the model it is compared with')
    .option('--confidence <c>', 'confidence of the difference interval', '0.95')
    .action(async (options: CompareOptions) => {
      const json = options.json === true;
      try {
        await compareCommand(options, json);
      } catch (error) {
        rethrowOrFail(error, json);
      }
    });
  addCommonOptions(evalCommand.command('gate').description('exit 1 when the candidate is worse than the baseline beyond --max-drop with confidence'))
    .option('--candidate <name>', 'the model being considered')
    .option('--baseline <name>', 'the model it must not be worse than')
    .option('--max-drop <d>', 'allowed drop of the mean score, e.g. 0.01')
    .option('--confidence <c>', 'one-sided confidence of the decision', '0.95')
    .option('--mode <mode>', 'regression (fail when shown worse) | non-inferiority (pass only when shown no worse)', 'regression')
    .action(async (options: GateOptions) => {
      const json = options.json === true;
      try {
        await gateCommand(options, json);
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

async function prepare(options: CommonOptions): Promise<EvalContext> {
  const setFile = resolve(required(options.set, '--set'));
  const concurrency = integer('--concurrency', options.concurrency, 1);
  const scorer = parseScorer(options.scorer);
  const cases = await loadSetOneLine(setFile);
  const { config } = await loadConfigForCli(options.config);
  return {
    setFile,
    cases,
    runtime: buildGatewayRuntime(config),
    pipeline: new RequestPipeline(),
    concurrency,
    scorer,
    ...(options.judgeModel === undefined ? {} : { judgeModel: options.judgeModel }),
    cacheDirectory: options.cache ? resolve(options.cacheDir) : false,
    json: options.json === true,
  };
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

async function runCommand(options: RunOptions, json: boolean): Promise<void> {
  const model = required(options.model, '--model');
  const confidence = probability('--confidence', options.confidence);
  const context = await prepare(options);
  const run = await evaluate(context, model, { confidence, ...(options.out === undefined ? {} : { resultsFile: resolve(options.out) }) });
  printResult(json, { ok: run.report.failed === 0, set: context.setFile, resumed: run.resumed, report: run.report }, () =>
    [`eval ${context.setFile}`, ...reportLines(run.report), ...(run.resumed > 0 ? [`resumed ${run.resumed} cases from ${options.out}`] : [])].join('\n'),
  );
  failIfIncomplete(run.report, json);
}

async function runPair(options: CompareOptions) {
  const candidate = required(options.candidate, '--candidate');
  const baseline = required(options.baseline, '--baseline');
  const confidence = probability('--confidence', options.confidence);
  const context = await prepare(options);
  const candidateRun = await evaluate(context, candidate, { confidence });
  const baselineRun = await evaluate(context, baseline, { confidence });
  return { context, confidence, candidateRun, baselineRun };
}

async function compareCommand(options: CompareOptions, json: boolean): Promise<void> {
  const { context, confidence, candidateRun, baselineRun } = await runPair(options);
  const comparison = comparePaired(scoreSamples(candidateRun.results), scoreSamples(baselineRun.results), { confidence });
  printResult(
    json,
    { ok: true, set: context.setFile, comparison: comparisonJson(comparison), candidate: candidateRun.report, baseline: baselineRun.report },
    () => [`eval compare ${context.setFile}`, ...reportLines(candidateRun.report), ...reportLines(baselineRun.report), comparisonLine(comparison)].join('\n'),
  );
  failIfIncomplete(candidateRun.report, json);
  failIfIncomplete(baselineRun.report, json);
}

async function gateCommand(options: GateOptions, json: boolean): Promise<void> {
  const maxDrop = nonNegative('--max-drop', required(options.maxDrop, '--max-drop'));
  const mode = options.mode;
  if (mode !== 'regression' && mode !== 'non-inferiority') throw new InvalidRequestError(`--mode: expected regression or non-inferiority, got '${mode}'`);
  const { context, confidence, candidateRun, baselineRun } = await runPair(options);
  // A gate on cases that never ran would approve on missing evidence.
  failIfIncomplete(candidateRun.report, json);
  failIfIncomplete(baselineRun.report, json);
  const decision = gate({ candidate: scoreSamples(candidateRun.results), baseline: scoreSamples(baselineRun.results), maxDrop, confidence, mode });
  const { comparison, ...rest } = decision;
  const verdict = { ok: decision.passed, set: context.setFile, ...rest, comparison: comparisonJson(comparison), candidate: candidateRun.report, baseline: baselineRun.report };
  if (decision.passed) {
    printResult(json, verdict, () => [`eval gate ${context.setFile}`, ...reportLines(candidateRun.report), ...reportLines(baselineRun.report), comparisonLine(comparison), `gate ${decision.reason}`].join('\n'));
    return;
  }
  if (json) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  else process.stderr.write(`gate failed: ${options.candidate} vs ${options.baseline}: ${decision.reason}\n`);
  throw new CliExit(1);
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
