import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { parseRouterArtifact } from '../core/routing/learned/router-artifact.js';
import { loadRoutingDataset } from '../evals/routing/routing-dataset.js';
import { registerRouterCommands } from './router-command.js';

const fixture = (name: string) => fileURLToPath(new URL(`../evals/routing/__fixtures__/${name}`, import.meta.url));
const GSM8K = fixture('gsm8k-slice.jsonl');
const MTBENCH = fixture('mtbench-slice.jsonl');
const PRICES = fixture('prices.json');
const PAIR = ['--strong', 'gpt-4o-2024-05-13', '--weak', 'Meta-Llama-3-8B-Instruct'];

const runRouter = (args: string[]) => runCommandInProcess(registerRouterCommands, ['router', ...args]);

let directory: string;
let routerFile: string;
let trainOutput: { stdout: string; code: number };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-router-'));
  routerFile = join(directory, 'router.json');
  trainOutput = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--variant', 'baseline', '--folds', '3', '--out', routerFile, '--json']);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface PolicyJson {
  name: string;
  family: string;
  setting: string;
  result: { quality: number; costShare: number; strongShare: number; pgr: number; underEscalation: number; overEscalation: number };
  apgr: number | null;
  cpt: { p50: number | null; p80: number | null; p95: number | null } | null;
  curve: Array<{ strongShare: number; costShare: number; quality: number; pgr: number }>;
}

describe('switchyard router train', () => {
  it('writes a calibrated artifact that records what it was trained on', async () => {
    expect(trainOutput.code).toBe(0);
    const summary = JSON.parse(trainOutput.stdout) as { ok: boolean; threshold: number; reached: boolean; heldOut: { quality: number } };
    expect(summary.ok).toBe(true);
    const artifact = parseRouterArtifact(JSON.parse(await readFile(routerFile, 'utf8')), routerFile);
    const dataset = await loadRoutingDataset(GSM8K);
    expect(artifact.trainedOn).toMatchObject({ file: GSM8K, sha256: dataset.sha256, split: 'train', examples: 30 });
    expect(artifact).toMatchObject({ variant: 'baseline', strong: 'gpt-4o-2024-05-13', weak: 'Meta-Llama-3-8B-Instruct', threshold: summary.threshold });
    expect(artifact.calibration).toMatchObject({ method: '3-fold out-of-fold scores on train', targetQuality: 0.95 });
    // The calibration met its target on held-out train scores: quality ≥ 0.95 × all-strong (28/30 on this slice).
    expect(summary.reached).toBe(true);
    expect(summary.heldOut.quality).toBeGreaterThanOrEqual(0.95 * (28 / 30) - 1e-9);
  });

  it('--max-cost calibrates to a cost cap instead', async () => {
    const out = join(directory, 'cheap.json');
    const result = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--variant', 'baseline', '--folds', '3', '--max-cost', '0.3', '--out', out, '--json']);
    const summary = JSON.parse(result.stdout) as { heldOut: { costShare: number }; calibration: { maxCost: number } };
    expect(summary.calibration.maxCost).toBe(0.3);
    expect(summary.heldOut.costShare).toBeLessThanOrEqual(0.3);
  });
});

describe('switchyard router score', () => {
  it('writes one {"id","score"} line per prompt of the split', async () => {
    const out = join(directory, 'scores.jsonl');
    const result = await runRouter(['score', '--router', routerFile, '--data', GSM8K, '--out', out]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Scored 40 prompts (all)');
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; score: number });
    const dataset = await loadRoutingDataset(GSM8K);
    expect(lines.map((line) => line.id)).toEqual(dataset.rows.map((row) => row.id));
    for (const line of lines) expect(Object.keys(line)).toEqual(['id', 'score']);
    for (const line of lines) expect(line.score).toBeGreaterThanOrEqual(0);
    expect(new Set(lines.map((line) => line.score)).size).toBeGreaterThan(1);
    const test = await runRouter(['score', '--router', routerFile, '--data', GSM8K, '--split', 'test', '--out', out, '--json']);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, prompts: 10, split: 'test' });
  });
});

describe('switchyard router eval', () => {
  it('--json: every policy with its result, sweep metrics and curve', async () => {
    const plot = join(directory, 'curve.svg');
    const routers = `${routerFile},baselines,combined:${routerFile}`;
    const result = await runRouter(['eval', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--router', routers, '--folds', '3', '--plot', plot, '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      ok: boolean;
      data: { split: string; prompts: number; trainPrompts: number };
      reference: { weakQuality: number; strongQuality: number };
      goodEnough: { margin: number };
      policies: PolicyJson[];
    };
    expect(body).toMatchObject({ ok: true, data: { split: 'test', prompts: 10, trainPrompts: 30 }, goodEnough: { margin: 0 } });
    expect(body.policies.map((policy) => policy.name)).toEqual([
      'learned baseline (router.json)',
      'random',
      'length',
      'oracle',
      'all-weak',
      'all-strong',
      'cascade-agreement',
      'combined (baseline)',
    ]);
    const byName = new Map(body.policies.map((policy) => [policy.name, policy]));
    expect(byName.get('all-strong')!.result).toMatchObject({ costShare: 1, strongShare: 1, pgr: 1, underEscalation: 0 });
    expect(byName.get('all-weak')!.result).toMatchObject({ strongShare: 0, pgr: 0, overEscalation: 0 });
    expect(byName.get('all-weak')!.apgr).toBeNull();
    const oracle = byName.get('oracle')!;
    for (const policy of body.policies) if (policy.apgr !== null && policy !== oracle) expect(oracle.apgr!).toBeGreaterThan(policy.apgr);
    expect(byName.get('random')!.apgr).toBeGreaterThan(0.3);
    expect(oracle.curve[0]).toMatchObject({ strongShare: 0, pgr: 0 });
    expect(oracle.curve.at(-1)).toMatchObject({ strongShare: 1 });
    expect(byName.get('learned baseline (router.json)')!.setting).toMatch(/^threshold [\d.]+ \(calibrated: 3-fold/);
    expect(byName.get('combined (baseline)')!.setting).toMatch(/^low .*, high .*, agreement with /);
    expect(await readFile(plot, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*oracle[\s\S]*<\/svg>\n$/);
  });

  it('prints the table, the chosen settings and the chart', async () => {
    const result = await runRouter(['eval', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--router', 'oracle,random']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('(test, 10 prompts; settings chosen on 30 train prompts)');
    expect(result.stdout).toMatch(/POLICY +QUALITY +COST \$ +COST SHARE +STRONG SHARE +PGR +APGR +CPT50 +CPT80 +CPT95 +UNDER-ESC +OVER-ESC/);
    expect(result.stdout).toMatch(/\noracle +1\.000 /);
    expect(result.stdout).toContain('1 oracle   2 random   - 95% of strong');
  });

  it('MT-Bench: the judge cascade, with the judge paid for', async () => {
    const result = await runRouter([
      'eval',
      '--data',
      MTBENCH,
      '--prices',
      PRICES,
      '--strong',
      'gpt-4-1106-preview',
      '--weak',
      'Mixtral-8x7B-Instruct-v0.1',
      '--router',
      'cascade,all-weak',
      '--json',
    ]);
    const body = JSON.parse(result.stdout) as { goodEnough: { margin: number }; policies: PolicyJson[] };
    expect(body.goodEnough.margin).toBe(0.1);
    const [judge, weak] = body.policies;
    expect(judge!.name).toBe('cascade-judge');
    expect(judge!.setting).toMatch(/^accept when judge score ≥ \d+$/);
    // The judge (gpt-4 at $30/$60) reads every weak answer, so the cascade costs more than all-weak.
    expect(judge!.result.costShare).toBeGreaterThan(weak!.result.costShare + 0.1);
  });
});

describe('failures: one line, non-zero exit', () => {
  it.each([
    [['eval', '--strong', 'a', '--weak', 'b', '--router', 'oracle'], 'error: --data is required\n'],
    [['eval', '--data', GSM8K, '--prices', PRICES, '--strong', 'gpt-5', '--weak', 'Meta-Llama-3-8B-Instruct', '--router', 'oracle'], /^error: --strong: model 'gpt-5' is not in .*gsm8k-slice\.jsonl; models present: gpt-4o-2024-05-13, Meta-Llama-3-8B-Instruct, Qwen2-7B-Instruct, gpt-4o-mini-2024-07-18\n$/],
    [['eval', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--router', 'smart'], /^error: --router: 'smart' is neither a router name \(random, length, oracle/],
    [['eval', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--router', 'cascade-judge'], /^error: .*no judge scores \(judge_score_1_to_10\) for 'Meta-Llama-3-8B-Instruct'/],
    [['eval', '--data', GSM8K, ...PAIR, '--router', 'oracle', '--split', 'dev'], "error: --split: expected train, test or all, got 'dev'\n"],
    [['train', '--data', GSM8K, ...PAIR, '--out', '/tmp/x.json', '--target-quality', '0.9', '--max-cost', '0.3'], 'error: give --target-quality or --max-cost, not both\n'],
    [['train', '--data', GSM8K, ...PAIR, '--out', '/tmp/x.json', '--variant', 'fancy'], "error: --variant: expected baseline or switchyard, got 'fancy'\n"],
    [['train', '--data', GSM8K, '--strong', 'gpt-4o-2024-05-13', '--weak', 'gpt-4o-2024-05-13', '--out', '/tmp/x.json'], "error: --strong and --weak must name different models (both are 'gpt-4o-2024-05-13')\n"],
    [['eval', '--data', GSM8K, '--strong', 'gpt-4o-2024-05-13', '--weak', 'gpt-4o-2024-05-13', '--router', 'oracle'], "error: --strong and --weak must name different models (both are 'gpt-4o-2024-05-13')\n"],
  ])('%j', async (args, message) => {
    const result = await runRouter(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    if (typeof message === 'string') expect(result.stderr).toBe(message);
    else expect(result.stderr).toMatch(message);
  });

  it('a bad data line names file:line and field; --json gives a JSON error', async () => {
    const bad = join(directory, 'bad.jsonl');
    const good = (await readFile(GSM8K, 'utf8')).split('\n')[0]!;
    await writeFile(bad, `${good}\n${good.replace('"split": "train"', '"split": "dev"').replace(/"id": "[^"]+"/, '"id": "other"')}\n`);
    const result = await runRouter(['eval', '--data', bad, '--prices', PRICES, ...PAIR, '--router', 'oracle', '--json']);
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/bad\.jsonl:2: split: /);
  });

  it('a router trained for another pair is refused', async () => {
    const result = await runRouter(['eval', '--data', GSM8K, '--prices', PRICES, '--strong', 'gpt-4o-2024-05-13', '--weak', 'Qwen2-7B-Instruct', '--router', routerFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/was trained for strong 'gpt-4o-2024-05-13' \/ weak 'Meta-Llama-3-8B-Instruct', not 'gpt-4o-2024-05-13' \/ 'Qwen2-7B-Instruct'/);
  });
});
