import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EvaluationStore } from '../core/evaluation/evaluation-records.js';
import {
  assertExportAllowed,
  finetuneExportPolicy,
  formatFinetuneJsonl,
  ONLINE_SCORE_PAGE_LIMIT,
  readOnlineScores,
  selectFinetuneExamples,
  SKIP_REASONS,
  type FinetuneSelection,
} from '../evals/finetune-export/index.js';
import { InvalidRequestError } from '../spec/errors.js';
import { openEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import type { StorageConfig } from '../store/storage-config.js';
import { parseUsageTime } from '../store/usage-query.js';
import { fail, printResult } from './cli-output.js';
import { loadConfigForCli } from './resolve-config-source.js';

/** Opens the configured evaluation store for one command (replaceable in tests). */
export type OpenEvaluationStore = (storage: StorageConfig) => Promise<{ store: Pick<EvaluationStore, 'listOnlineScores'>; close(): Promise<void> }>;

export interface ExportCommandDependencies {
  openEvaluationStore: OpenEvaluationStore;
}

interface FinetuneOptions {
  workload?: string;
  minScore?: string;
  minRubric?: string;
  out?: string;
  since?: string;
  model?: string[];
  includeSelfHosted?: boolean;
  limit?: string;
  validationShare?: string;
  validationOut?: string;
  config?: string;
  json?: boolean;
}

/** OpenAI's fine-tuning jobs want at least this many examples. */
const MINIMUM_USEFUL_EXAMPLES = 10;
const DEFAULT_VALIDATION_SHARE = 0.1;

const POLICY_HELP = `
What is exported: the online judge's samples of the workload (stored only while its
evaluation.finetune_export is true, already redacted) whose score is at least the threshold,
answered by frontier models: models whose deployments are not self-hosted (registry data
handling). --include-self-hosted adds self-hosted models' answers; --model restricts to models.
Each line is {"messages":[...]} (plus "tools" when the request's tools were stored), ending with
the judged answer; earlier assistant turns carry "weight": 0 so only that answer is trained on.

What is refused (exit 1, one line naming the setting), since a training file is a lasting copy
of the data made to train a model:
  - workloads.<W>.evaluation.finetune_export: false;
  - data class restricted (always);
  - a requirement no_training, zero_retention or self_hosted in force for the workload, from its
    data class (policy.data_classes, defaults included: confidential asks no_training and
    zero_retention) or its own policy.require. Region and certification requirements do not
    forbid a local file; the report lists them: they bind whoever uploads it.

What is skipped, and counted in the report: samples without a stored conversation, unscored or
below the threshold, models not selected, self-hosted or unknown to the config, models whose
licence says outputs may not train other models (Llama 2 and 3), malformed conversations,
non-text content (images cannot be redacted), empty answers, tool calls without stored tool
definitions, samples whose text still holds sensitive data after a second redaction pass that
would raise them to a class that may not be exported (e.g. national ids), duplicates of the
same conversation (the best-scored is kept) and examples over --limit (the best are kept).

Scores: --min-score is the stored 0-1 score; --min-rubric is the judge's 1-10 rating
(score = (rating - 1) / 9). A --min-score above 1 is refused rather than guessed.`;

/** `switchyard export finetune`: judged frontier answers as chat fine-tuning JSONL. */
export function registerExportCommands(program: Command, dependencies: ExportCommandDependencies = { openEvaluationStore }): void {
  const exportCommand = program.command('export').description('export gateway data for other tools');
  exportCommand
    .command('finetune')
    .description('write well-judged frontier answers of a workload as OpenAI chat fine-tuning JSONL')
    .option('--workload <name>', 'the workload whose judged traffic to export (required)')
    .option('--min-score <score>', 'lowest judge score kept, on the 0-1 scale (e.g. 0.8)')
    .option('--min-rubric <rating>', 'or: lowest judge rating kept, on the 1-10 rubric scale (e.g. 8)')
    .option('--out <file.jsonl>', 'where to write the training examples (default: stdout)')
    .option('--since <time>', 'only samples since: a duration before now (7d, 24h) or an ISO date')
    .option('--model <name>', 'only answers of this logical model (repeatable, or comma-separated)', collect)
    .option('--include-self-hosted', 'also answers of self-hosted models (default: frontier answers only)')
    .option('--limit <n>', 'at most this many examples (the best-scored are kept)')
    .option('--validation-share <share>', `share held out for validation, by a hash of the prompt (default ${DEFAULT_VALIDATION_SHARE} with --validation-out)`)
    .option('--validation-out <file.jsonl>', 'where to write the validation examples')
    .option('--config <file>', 'config file (default: SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--json', 'machine-readable report on stdout (needs --out)')
    .addHelpText('after', POLICY_HELP)
    .action(async (options: FinetuneOptions) => {
      const json = options.json === true;
      try {
        await runFinetuneExport(options, json, dependencies);
      } catch (error) {
        fail(error, json);
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((name) => name.trim()).filter((name) => name.length > 0)];
}

interface ParsedFinetuneOptions {
  workload: string;
  minScore: number;
  since?: number;
  until: number;
  models: string[];
  includeSelfHosted: boolean;
  limit?: number;
  out?: string;
  validation?: { share: number; out: string };
}

/** Every flag is checked before the config or the store is opened, so a typo fails fast. */
export function parseFinetuneOptions(options: FinetuneOptions, json: boolean, now: number): ParsedFinetuneOptions {
  if (options.workload === undefined) throw new InvalidRequestError('--workload is required', { param: '--workload' });
  const minScore = parseThreshold(options.minScore, options.minRubric);
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (json && out === undefined) throw new InvalidRequestError('--json needs --out: stdout carries the report, so the examples need a file', { param: '--out' });
  let validation: ParsedFinetuneOptions['validation'];
  if (options.validationShare !== undefined || options.validationOut !== undefined) {
    if (options.validationOut === undefined) throw new InvalidRequestError('--validation-share needs --validation-out <file.jsonl>', { param: '--validation-out' });
    const share = options.validationShare === undefined ? DEFAULT_VALIDATION_SHARE : Number(options.validationShare);
    if (!Number.isFinite(share) || share <= 0 || share >= 1) {
      throw new InvalidRequestError(`--validation-share must be a share between 0 and 1 (exclusive), e.g. 0.1; got '${options.validationShare}'`, { param: '--validation-share' });
    }
    const validationOut = resolve(options.validationOut);
    if (validationOut === out) throw new InvalidRequestError('--validation-out must be another file than --out', { param: '--validation-out' });
    validation = { share, out: validationOut };
  }
  let limit: number | undefined;
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new InvalidRequestError(`--limit must be a positive integer; got '${options.limit}'`, { param: '--limit' });
  }
  return {
    workload: options.workload,
    minScore,
    ...(options.since === undefined ? {} : { since: parseUsageTime(options.since, '--since', now) }),
    until: now + 1,
    models: options.model ?? [],
    includeSelfHosted: options.includeSelfHosted === true,
    ...(limit === undefined ? {} : { limit }),
    ...(out === undefined ? {} : { out }),
    ...(validation === undefined ? {} : { validation }),
  };
}

/**
 * The threshold on the stored 0–1 scale. Both scales are accepted, each under its own flag, and
 * a value that only makes sense on the other scale is refused rather than converted: `--min-score
 * 8` is a rubric value typed into the wrong flag, and guessing would silently change what is kept.
 */
function parseThreshold(score: string | undefined, rubric: string | undefined): number {
  if (score !== undefined && rubric !== undefined) throw new InvalidRequestError('give --min-score (0-1) or --min-rubric (1-10), not both', { param: '--min-score' });
  if (score === undefined && rubric === undefined) {
    throw new InvalidRequestError('--min-score is required: the lowest judge score kept, 0-1 (e.g. 0.8); or --min-rubric 8 on the judge\'s 1-10 scale', { param: '--min-score' });
  }
  if (score !== undefined) {
    const value = Number(score);
    if (score.trim() === '' || !Number.isFinite(value)) throw new InvalidRequestError(`--min-score must be a number between 0 and 1; got '${score}'`, { param: '--min-score' });
    if (value > 1 && value <= 10) {
      throw new InvalidRequestError(
        `--min-score is on the 0-1 scale; ${score} looks like a 1-10 rubric rating: use --min-rubric ${score} (= --min-score ${((value - 1) / 9).toFixed(3)})`,
        { param: '--min-score' },
      );
    }
    if (value < 0 || value > 1) throw new InvalidRequestError(`--min-score must be between 0 and 1; got '${score}'`, { param: '--min-score' });
    return value;
  }
  const value = Number(rubric);
  if (rubric!.trim() === '' || !Number.isFinite(value)) throw new InvalidRequestError(`--min-rubric must be a number between 1 and 10; got '${rubric}'`, { param: '--min-rubric' });
  if (value >= 0 && value < 1) {
    throw new InvalidRequestError(`--min-rubric is the judge's 1-10 rating; ${rubric} looks like a 0-1 score: use --min-score ${rubric}`, { param: '--min-rubric' });
  }
  if (value < 1 || value > 10) throw new InvalidRequestError(`--min-rubric must be between 1 and 10; got '${rubric}'`, { param: '--min-rubric' });
  return (value - 1) / 9;
}

async function runFinetuneExport(options: FinetuneOptions, json: boolean, dependencies: ExportCommandDependencies): Promise<void> {
  const parsed = parseFinetuneOptions(options, json, Date.now());
  const { config } = await loadConfigForCli(options.config);
  const workload = config.workloads[parsed.workload];
  if (workload === undefined) {
    const known = Object.keys(config.workloads).sort();
    throw new InvalidRequestError(`unknown workload '${parsed.workload}' (configured: ${known.length === 0 ? 'none' : known.join(', ')})`, { param: '--workload' });
  }
  const unknownModels = parsed.models.filter((model) => config.models[model] === undefined);
  if (unknownModels.length > 0) throw new InvalidRequestError(`--model: unknown model '${unknownModels[0]}' (not in the config's models)`, { param: '--model' });
  // Refused before the store is opened: a forbidden export reads nothing.
  const policy = finetuneExportPolicy(config, workload);
  assertExportAllowed(policy);

  const { store, close } = await dependencies.openEvaluationStore(config.storage);
  let read: Awaited<ReturnType<typeof readOnlineScores>>;
  try {
    read = await readOnlineScores(store, { workload: parsed.workload, ...(parsed.since === undefined ? {} : { since: parsed.since }), until: parsed.until });
  } finally {
    await close();
  }
  const selection = selectFinetuneExamples(read.samples, config, policy, {
    minScore: parsed.minScore,
    models: parsed.models,
    includeSelfHosted: parsed.includeSelfHosted,
    ...(parsed.limit === undefined ? {} : { limit: parsed.limit }),
    ...(parsed.validation === undefined ? {} : { validationShare: parsed.validation.share }),
  });

  const trainText = formatFinetuneJsonl(selection.train.map((item) => item.example));
  if (parsed.out === undefined) process.stdout.write(trainText);
  else await writeAtomically(parsed.out, trainText);
  if (parsed.validation !== undefined) await writeAtomically(parsed.validation.out, formatFinetuneJsonl(selection.validation.map((item) => item.example)));

  const warnings = warningsOf(selection, read.truncated);
  const result = {
    ok: true,
    out: parsed.out ?? '-',
    ...(parsed.validation === undefined ? {} : { validationOut: parsed.validation.out }),
    ...selection.report,
    warnings,
  };
  if (json) printResult(true, result, () => '');
  else process.stderr.write(`${formatReport(selection, parsed, warnings)}\n`);
}

/** Written next to the target and renamed over it, so a failed run never leaves half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  await writeFile(partial, text, 'utf8');
  await rename(partial, path);
}

function warningsOf(selection: FinetuneSelection, truncated: boolean): string[] {
  const warnings: string[] = [];
  if (truncated) warnings.push(`some samples were not read: more than ${ONLINE_SCORE_PAGE_LIMIT} in one millisecond`);
  if (selection.report.train < MINIMUM_USEFUL_EXAMPLES) {
    warnings.push(`${selection.report.train} training examples: OpenAI fine-tuning needs at least ${MINIMUM_USEFUL_EXAMPLES}`);
  }
  return warnings;
}

function formatReport(selection: FinetuneSelection, parsed: ParsedFinetuneOptions, warnings: readonly string[]): string {
  const report = selection.report;
  const split = parsed.validation === undefined ? '' : ` (${report.train} train, ${report.validation} validation to ${parsed.validation.out})`;
  const lines = [
    `fine-tuning export of workload '${report.workload}' (data class ${report.dataClass}), score >= ${report.minScore.toFixed(3)}: ` +
      `${plural(report.written, 'example')} written${split} to ${parsed.out ?? 'stdout'}`,
  ];
  const skipped = SKIP_REASONS.filter((reason) => report.skipped[reason] > 0).map((reason) => `${reason} ${report.skipped[reason]}`);
  lines.push(`read ${plural(report.read, 'sample')}; skipped: ${skipped.length === 0 ? 'none' : skipped.join(', ')}`);
  const models = Object.entries(report.models).map(([model, count]) => `${model} ${count}`);
  if (models.length > 0) lines.push(`answers by model: ${models.join(', ')}; mean score ${report.meanScore?.toFixed(3)}`);
  const replaced = Object.entries(report.redaction.replaced).map(([kind, count]) => `${kind} ${count}`);
  lines.push(`redacted again: ${plural(report.redaction.examples, 'example')}${replaced.length === 0 ? '' : ` (${replaced.join(', ')})`}`);
  if (report.carried.regions.length > 0 || report.carried.certifications.length > 0) {
    lines.push(
      `the data keeps its policy: regions ${report.carried.regions.join(', ') || 'any'}; certifications ${report.carried.certifications.join(', ') || 'none'}`,
    );
  }
  for (const warning of warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
