import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { OnlineScore } from '../../core/evaluation/evaluation-records.js';
import { createSensitiveDataScanner, type SensitiveFinding } from '../../core/governance/policy/index.js';
import { redactValue } from '../../core/redaction/index.js';
import { createAnswerModelFilter, type AnswerModelFilterOptions, type AnswerModelSkip } from './answer-model-filter.js';
import { assertExportAllowed, type FinetuneExportPolicy } from './finetune-export-policy.js';
import { toFinetuneConversation, type FinetuneMessage, type FinetuneTool } from './finetune-messages.js';

/**
 * From judged live answers to fine-tuning examples: filters (score, answering model, licence),
 * conversion, redaction again (the store holds redacted text already; this is belt and braces),
 * a sensitive-data scan of what redaction leaves, de-duplication and a deterministic order and
 * train/validation split. Each skipped sample counts under the first reason that applies.
 */

/** A stored sample, plus the request's tools when the store keeps them. */
export type FinetuneSource = OnlineScore;

export const SKIP_REASONS = [
  'no_conversation',
  'unscored',
  'below_threshold',
  'model_not_selected',
  'unknown_model',
  'self_hosted',
  'license_forbids_training',
  'malformed',
  'non_text_content',
  'empty_answer',
  'tool_calls_without_tools',
  'sensitive_data',
  'duplicate',
  'over_limit',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** One line of the output file. */
export interface FinetuneExample {
  messages: FinetuneMessage[];
  tools?: FinetuneTool[];
}

export interface SelectedExample {
  example: FinetuneExample;
  requestId: string;
  time: number;
  model: string;
  score: number;
  /** SHA-256 of the prompt (messages before the answer, and tools): the de-duplication key. */
  promptHash: string;
}

export interface FinetuneSelectionOptions extends AnswerModelFilterOptions {
  /** 0–1; samples scoring below it are skipped. */
  minScore: number;
  /** At most this many examples (the best-scored, newest first among equals). */
  limit?: number;
  /** Share of examples held out for validation, by a hash of the prompt (stable across runs). */
  validationShare?: number;
}

export interface FinetuneSelectionReport {
  workload: string;
  dataClass: string;
  minScore: number;
  /** Samples read. */
  read: number;
  written: number;
  train: number;
  validation: number;
  skipped: Record<SkipReason, number>;
  redaction: {
    /** Examples in which the second redaction pass replaced anything. */
    examples: number;
    /** Replacements by kind (`email`, `phone`, `secret`…). */
    replaced: Record<string, number>;
  };
  /** Written examples per answering model. */
  models: Record<string, number>;
  /** Mean judge score of the written examples. */
  meanScore?: number;
  /** Requirements the file inherits from the workload's policy. */
  carried: { regions: string[]; certifications: string[] };
}

export interface FinetuneSelection {
  train: SelectedExample[];
  validation: SelectedExample[];
  report: FinetuneSelectionReport;
}

/** Score comparisons tolerate float noise: a rubric 8 is (8 − 1) / 9 however it was computed. */
const SCORE_EPSILON = 1e-9;

export function selectFinetuneExamples(
  samples: Iterable<FinetuneSource>,
  config: ResolvedConfig,
  policy: FinetuneExportPolicy,
  options: FinetuneSelectionOptions,
): FinetuneSelection {
  assertExportAllowed(policy);
  const skipped = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  const replaced: Record<string, number> = {};
  let redactedExamples = 0;
  let read = 0;
  const modelFilter = createAnswerModelFilter(config, options);
  // Every kind but `ip`, whatever the workload's `detect_sensitive`: what redaction misses
  // (national ids other than the SSN) must not slip into a training file.
  const scanner = createSensitiveDataScanner();
  const bestByPrompt = new Map<string, SelectedExample>();

  for (const sample of samples) {
    read++;
    const reason = firstSkip(sample, options.minScore, modelFilter);
    if (reason !== undefined) {
      skipped[reason]++;
      continue;
    }
    const conversation = toFinetuneConversation(sample.messages, sample.answer, sample.tools);
    if (typeof conversation === 'string') {
      skipped[conversation]++;
      continue;
    }
    const example: FinetuneExample = {
      messages: [...conversation.prompt, conversation.answer],
      ...(conversation.tools === undefined ? {} : { tools: conversation.tools }),
    };
    const redacted = redactValue(example);
    if (redacted.findings.length > 0) {
      redactedExamples++;
      for (const finding of redacted.findings) replaced[finding.kind] = (replaced[finding.kind] ?? 0) + finding.count;
    }
    const findings = scanStrings(redacted.value, scanner.scanText);
    if (!policy.allows(policy.classOf(findings))) {
      skipped.sensitive_data++;
      continue;
    }
    const selected: SelectedExample = {
      example: redacted.value,
      requestId: sample.requestId,
      time: sample.time,
      model: sample.model,
      score: sample.score!,
      promptHash: promptHashOf(redacted.value),
    };
    const kept = bestByPrompt.get(selected.promptHash);
    if (kept === undefined) {
      bestByPrompt.set(selected.promptHash, selected);
    } else {
      skipped.duplicate++;
      if (rankOrder(selected, kept) < 0) bestByPrompt.set(selected.promptHash, selected);
    }
  }

  let chosen = [...bestByPrompt.values()];
  if (options.limit !== undefined && chosen.length > options.limit) {
    chosen.sort(rankOrder);
    skipped.over_limit += chosen.length - options.limit;
    chosen = chosen.slice(0, options.limit);
  }
  // Written in the order the traffic came, so reruns over the same store give the same file.
  chosen.sort((left, right) => left.time - right.time || compareText(left.requestId, right.requestId));
  const share = options.validationShare ?? 0;
  const train: SelectedExample[] = [];
  const validation: SelectedExample[] = [];
  for (const item of chosen) (share > 0 && hashFraction(item.promptHash) < share ? validation : train).push(item);

  const models: Record<string, number> = {};
  for (const item of chosen) models[item.model] = (models[item.model] ?? 0) + 1;
  const meanScore = chosen.length === 0 ? undefined : chosen.reduce((sum, item) => sum + item.score, 0) / chosen.length;
  return {
    train,
    validation,
    report: {
      workload: policy.workload,
      dataClass: policy.dataClass,
      minScore: options.minScore,
      read,
      written: chosen.length,
      train: train.length,
      validation: validation.length,
      skipped,
      redaction: { examples: redactedExamples, replaced },
      models,
      ...(meanScore === undefined ? {} : { meanScore }),
      carried: policy.carried,
    },
  };
}

function firstSkip(
  sample: FinetuneSource,
  minScore: number,
  modelFilter: (model: string, deployment: string | undefined) => AnswerModelSkip | undefined,
): SkipReason | undefined {
  // Unscored first: the online evaluator keeps the conversation only of answers it scored, so an
  // unscored sample also lacks one, and "unscored" is the cause to report.
  if (sample.score === undefined || !Number.isFinite(sample.score)) return 'unscored';
  if (sample.messages === undefined || sample.answer === undefined) return 'no_conversation';
  if (sample.score < minScore - SCORE_EPSILON) return 'below_threshold';
  return modelFilter(sample.model, sample.deployment);
}

/** Best first: higher score, then newer, then request id (so ties resolve the same way every run). */
function rankOrder(left: SelectedExample, right: SelectedExample): number {
  return right.score - left.score || right.time - left.time || compareText(left.requestId, right.requestId);
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function promptHashOf(example: FinetuneExample): string {
  const prompt = { messages: example.messages.slice(0, -1), tools: example.tools ?? null };
  return createHash('sha256').update(JSON.stringify(prompt)).digest('hex');
}

/** The first 32 bits of a hex digest as a fraction of 2^32, for a split that does not depend on order. */
function hashFraction(hex: string): number {
  return Number.parseInt(hex.slice(0, 8), 16) / 0x1_0000_0000;
}

/** Findings over every string of a JSON value (message texts, tool arguments, tool definitions). */
function scanStrings(value: unknown, scanText: (text: string) => SensitiveFinding[]): SensitiveFinding[] {
  const counts = new Map<SensitiveFinding['kind'], number>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const finding of scanText(node)) counts.set(finding.kind, (counts.get(finding.kind) ?? 0) + finding.count);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (node !== null && typeof node === 'object') {
      for (const item of Object.values(node)) visit(item);
    }
  };
  visit(value);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}
