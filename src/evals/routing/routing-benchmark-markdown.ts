import { DEFAULT_JUDGE, JUDGE_OUTPUT_TOKENS } from './cascades.js';
import type { PolicyReport } from './routing-evaluation.js';
import type { PairTotals } from './routing-metrics.js';
import type { GoodEnoughRule } from './routing-pair.js';
import { costShareAtQuality, policyTableRows, POLICY_TABLE_HEADERS } from './routing-report.js';

/** docs/routing-benchmark.md, written by `npm run bench:routing` from its results. */

/** Prefix of sensitivity rows (what-if pricing); they are shown but never count for a target. */
export const HYPOTHETICAL = '(what-if)';
/** The report of the Switchyard router the targets are judged on: trained with prompt embeddings. */
export const SWITCHYARD_HEADLINE = 'learned switchyard + embeddings';

export interface BenchmarkPairSpec {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly strong: string;
  readonly weak: string;
  /** The reference APGR of a plain logistic regression on hashed n-grams. */
  readonly referenceApgr: number;
  /** Target: the best policy reaches 95% of strong quality at ≤ this share of all-strong cost. */
  readonly costTarget?: number;
}

export interface PairResult {
  readonly spec: BenchmarkPairSpec;
  readonly dataset: { readonly file: string; readonly sha256: string; readonly train: number; readonly test: number };
  readonly rule: GoodEnoughRule;
  readonly totals: PairTotals;
  readonly reports: readonly PolicyReport[];
  readonly learned: ReadonlyArray<{ readonly variant: string; readonly trainSeconds: number; readonly scoreMicroseconds: number; readonly artifactBytes: number }>;
  readonly image: string;
  readonly svg: string;
  readonly cascade: 'agreement' | 'judge' | undefined;
}

export interface BenchmarkSettings {
  readonly folds: number;
  readonly seed: number;
  readonly targetShare: number;
  readonly partial: boolean;
}

const percent = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)}%`);
const fixed = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(3));

function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${headers.map(escape).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

/** The cheapest non-oracle policy whose train-chosen setting reaches the target quality on test. */
export function bestPolicyAtTarget(result: PairResult, share: number): PolicyReport | undefined {
  const target = share * result.totals.strongQuality - 1e-9;
  return [...result.reports]
    .filter((report) => report.name !== 'oracle' && !report.name.startsWith(HYPOTHETICAL) && report.result.quality >= target)
    .sort((left, right) => left.result.costShare - right.result.costShare)[0];
}

const find = (result: PairResult, name: string) => result.reports.find((report) => report.name === name);

export function writeRoutingBenchmarkMarkdown(results: readonly PairResult[], settings: BenchmarkSettings): string {
  const share = settings.targetShare;
  const lines: string[] = [
    '# Routing benchmark',
    '',
    `Written by \`npm run bench:routing\` (bench/routing.ts); do not edit by hand.${settings.partial ? ' **Partial run (--only): not every pair is here.**' : ''}`,
    'Every router is trained and every threshold is chosen on the `train` split; every figure below is measured on the `test` split of',
    "the shared data (`../shared/data`, real recorded outputs of each model with quality judgments). Nothing is tuned on test.",
    '',
    '## Targets (issue 5, item 7)',
    '',
    markdownTable(
      ['pair', 'baseline APGR (issue ref.)', 'baseline APGR (ours)', 'Switchyard APGR (with embeddings)', 'oracle APGR', 'Switchyard beats both baselines (ours and the issue’s)?'],
      results.map((result) => {
        const baseline = find(result, 'learned baseline')?.apgr;
        const switchyard = (find(result, SWITCHYARD_HEADLINE) ?? find(result, 'learned switchyard'))?.apgr;
        const beats = baseline !== undefined && switchyard !== undefined && switchyard > baseline && switchyard > result.spec.referenceApgr;
        return [result.spec.title, fixed(result.spec.referenceApgr), fixed(baseline), fixed(switchyard), fixed(find(result, 'oracle')?.apgr), beats ? 'yes' : '**no**'];
      }),
    ),
    '',
    `Cost to reach ${share * 100}% of the strong model's quality on test. "Chosen on train" is the honest figure: the policy's`,
    'setting was picked on train and then run on test. "Best on the test curve" reads the same policies\' test curves in',
    'hindsight (a bound, not an achievable result). The oracle knows the labels and is a bound for any router.',
    '',
    markdownTable(
      ['pair', 'best policy (chosen on train)', 'its quality / strong', 'its cost share', 'target', 'met?', 'best on the test curve', 'oracle'],
      results.map((result) => {
        const best = bestPolicyAtTarget(result, share);
        const curveBest = result.reports
          .filter((report) => report.name !== 'oracle' && !report.name.startsWith(HYPOTHETICAL))
          .map((report) => ({ name: report.name, at: costShareAtQuality(report, share, result.totals) }))
          .filter((entry): entry is { name: string; at: number } => entry.at !== undefined)
          .sort((left, right) => left.at - right.at)[0];
        const oracle = find(result, 'oracle');
        const target = result.spec.costTarget;
        const met = target === undefined ? '—' : best !== undefined && best.result.costShare <= target ? 'yes' : '**no**';
        return [
          result.spec.title,
          best?.name ?? 'none reaches it',
          best ? fixed(best.result.quality / result.totals.strongQuality) : '—',
          best ? percent(best.result.costShare) : '—',
          target === undefined ? '—' : `≤ ${percent(target)}`,
          met,
          curveBest ? `${percent(curveBest.at)} (${curveBest.name})` : '—',
          oracle ? percent(costShareAtQuality(oracle, share, result.totals)) : '—',
        ];
      }),
    ),
    '',
    ...results.flatMap((result) => pairSection(result, settings)),
    ...methodSection(settings),
  ];
  return `${lines.join('\n')}\n`;
}

function pairSection(result: PairResult, settings: BenchmarkSettings): string[] {
  const { totals, spec } = result;
  return [
    `## ${spec.title}`,
    '',
    `Data \`${result.dataset.file}\` (sha256 \`${result.dataset.sha256.slice(0, 16)}…\`): ${result.dataset.train} train / ${result.dataset.test} test prompts.`,
    `Strong \`${spec.strong}\`, weak \`${spec.weak}\`. On test: all-weak quality ${fixed(totals.weakQuality)}, all-strong quality ${fixed(totals.strongQuality)}; ` +
      `all-strong cost $${totals.strongCost.toFixed(4)}, all-weak ${percent(totals.weakCost / totals.strongCost)} of it.`,
    `"Good enough" (for the escalation rates): ${result.rule.description}.`,
    '',
    markdownTable(POLICY_TABLE_HEADERS, policyTableRows(result.reports)),
    '',
    `![cost–quality curves, ${spec.title}](${result.image})`,
    '',
    markdownTable(
      ['policy', `setting chosen on train (criterion: ${settings.targetShare * 100}% of strong quality at least cost)`, `cost share at ${settings.targetShare * 100}% on the test curve`],
      result.reports.map((report) => [
        report.name,
        report.setting + (report.reachedOnTrain ? '' : ' (not reached on train; nearest miss)'),
        percent(costShareAtQuality(report, settings.targetShare, totals)),
      ]),
    ),
    '',
    ...result.learned.map(
      (entry) =>
        `- learned ${entry.variant}: trained (${settings.folds} held-out folds + the final model) in ${entry.trainSeconds.toFixed(1)} s; ` +
        `scores a prompt in ${entry.scoreMicroseconds.toFixed(0)} µs on average; artifact ${(entry.artifactBytes / 1024).toFixed(0)} KiB.`,
    ),
    '',
  ];
}

function methodSection(settings: BenchmarkSettings): string[] {
  return [
    '## Method and definitions',
    '',
    '- **Cost** of a prompt answered by a model = `prompt_tokens_est` × input price + `output_tokens` × output price (prices.json, US$ per 1M tokens;',
    '  token counts are the data\'s chars/4 estimates). A cascade pays for every call it makes. **Cost share** = cost / cost of sending every test prompt to the strong model.',
    '- **PGR** = (quality − all-weak quality) / (all-strong quality − all-weak quality). **APGR** (RouteLLM) = area under PGR against the share of',
    '  calls sent to the strong model, over [0, 1], trapezoid rule over every achievable share k/N; tied scores are split evenly (expected value).',
    '  **CPT(x%)** = the smallest strong-call share at which PGR reaches x%, interpolated. APGR and CPT are properties of a score, so cascades have none.',
    '- **Under-escalation** = of the prompts whose weak answer was not good enough, the share not escalated. **Over-escalation** = of the prompts whose weak',
    '  answer was good enough, the share escalated anyway. "Good enough" = weak quality ≥ strong quality − margin: margin 0 on 0/1 data (weak right, or',
    '  both wrong) and on AlpacaEval (the strong model is the judge\'s reference at 0.5, so: the judge prefers the weak answer at least half the time);',
    '  margin 0.1 (one judge point) on MT-Bench.',
    `- **Thresholds** of every policy are chosen on train by one criterion: the cheapest setting whose train quality is ≥ ${settings.targetShare * 100}% of`,
    '  all-strong quality. Learned routers are calibrated on out-of-fold train scores (' +
      `${settings.folds}-fold, seed ${settings.seed}; MT-Bench turns of one question share a fold), which is what \`switchyard router train --target-quality\` does.`,
    '  The random router is the mean over 10 seeds. Length scores the prompt (with earlier turns) by characters.',
    '- **Agreement cascade** (GSM8K, MATH): the weak model and a second cheap model answer; if their extracted final answers differ after',
    '  normalisation, the strong model answers. The second model is chosen on train among models costing ≤ 25% of the strong model.',
    `- **Judge cascade** (MT-Bench): the recorded ${DEFAULT_JUDGE.model} judge score of the weak answer stands in for a live judge; below the threshold`,
    `  (chosen on train) the strong model answers. The data keeps the judge's score but not its prompt or judgment, so the judge's tokens are estimated:`,
    '  input = FastChat judge template (165–230 tokens by template) + question(s) + weak answer(s) (+ for math/reasoning/coding the reference answer, for which',
    `  the strong model's answer length stands in); output = ${JUDGE_OUTPUT_TOKENS} tokens (RouteLLM's judgments run about 400–900 characters). The judge is priced at`,
    `  ${DEFAULT_JUDGE.model} list price ($${DEFAULT_JUDGE.price.input} in / $${DEFAULT_JUDGE.price.output} out per 1M), more than the strong model itself, so judging every`,
    '  prompt is expensive; the combined policy only judges the prompts the learned router is unsure about. Rows marked (what-if) price the same',
    '  recorded GPT-4 verdicts at gpt-4o-mini\'s price, to show what a cheap judge of equal accuracy would buy; they never count for a target.',
    '- **Combined**: the learned router\'s score with two thresholds lo ≤ hi (from train-score quantiles, chosen on out-of-fold train scores): below lo →',
    '  weak only; above hi → strong only; between → the cascade. All-weak, all-strong, pure router and pure cascade are special cases of it.',
    '- AlpacaEval has no extracted answers and no judge scores for a check, so it has no cascade rows. MT-Bench\'s test split is small (46 prompts,',
    '  23 questions): one prompt moves quality by about 0.2 points and the cost share by about 2 points.',
  ];
}
