import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { registerCostCommands } from './cost-command.js';

/** Runs the command in process, with commander's exits turned into errors. */
const runCost = (args: string[]) => runCommandInProcess(registerCostCommands, ['cost', ...args]);

/** The hand-checked case of breakeven.test.ts: $4.375 blended, $48/day per replica of 43.2M tokens, $120/day overhead. */
const CASE = ['breakeven', '--api-input-price', '2.5', '--api-output-price', '10', '--gpu-hour-usd', '2', '--throughput', '1000', '--utilisation', '0.5', '--engineering-usd-per-month', '3650'];

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-cost-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard cost breakeven', () => {
  it('prints the break-even, the price-drop table and the curves', async () => {
    const result = await runCost(CASE);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Self-hosting wins from 38.4M tokens/day ($168.00/day either way).');
    expect(result.stdout).toContain('self-hosting stays cheaper from 49.4M tokens/day');
    const table = result.stdout.slice(result.stdout.indexOf('API PRICE'), result.stdout.indexOf('Cost per day'));
    expect(table.trim().split('\n')).toEqual([
      'API PRICE  BLENDED $/1M  BREAK-EVEN TOKENS/DAY  PER MONTH  REPLICAS    COST/DAY',
      '---------  ------------  ---------------------  ---------  ----------  --------',
      'list       4.375         38.4M                  1.17B      1 (1 GPU)   $168.00',
      '-20%       3.500         61.7M                  1.88B      2 (2 GPUs)  $216.00',
      '-40%       2.625         82.3M                  2.5B       2 (2 GPUs)  $216.00',
      '-60%       1.750         206M                   6.26B      5 (5 GPUs)  $360.00',
    ]);
    // The chart: both curves and the break-even marker, on a labelled axis.
    expect(result.stdout).toMatch(/┤[^\n]*a/);
    expect(result.stdout).toMatch(/┤[^\n]*s{10}/);
    expect(result.stdout).toContain('a API   s self-hosted   : break-even');
    expect(result.stdout).toContain('tokens per day');
  });

  it('--json gives the numbers, including where more GPUs are needed', async () => {
    const result = await runCost([...CASE, '--json']);
    const body = JSON.parse(result.stdout) as {
      api: { blendedPerMtok: number };
      selfHosted: { replicaCapacityTokensPerDay: number; overheadUsdPerDay: number };
      breakeven: { tokensPerDay: number; replicas: number; exceedsOneReplica: boolean };
      priceDrops: Array<{ apiPriceDrop: number; breakeven: { tokensPerDay: number; replicas: number; exceedsOneReplica: boolean } }>;
    };
    expect(body.api.blendedPerMtok).toBeCloseTo(4.375, 10);
    expect(body.selfHosted.replicaCapacityTokensPerDay).toBe(43_200_000);
    expect(body.selfHosted.overheadUsdPerDay).toBeCloseTo(120, 10);
    expect(body.breakeven).toMatchObject({ replicas: 1, exceedsOneReplica: false });
    expect(body.breakeven.tokensPerDay).toBeCloseTo(38_400_000, 2);
    expect(body.priceDrops.map((drop) => [drop.apiPriceDrop, drop.breakeven.replicas, drop.breakeven.exceedsOneReplica])).toEqual([
      [0, 1, false],
      [0.2, 2, true],
      [0.4, 2, true],
      [0.6, 5, true],
    ]);
  });

  it('takes API prices from the catalogue with --api-model, and says when self-hosting never wins', async () => {
    const result = await runCost(['breakeven', '--api-model', 'gpt-4o-mini-2024-07-18', '--gpu-hour-usd', '2', '--throughput', '1000', '--json']);
    const body = JSON.parse(result.stdout) as { api: { model: string; asOf: string; blendedPerMtok: number }; breakeven: { tokensPerDay: number | null } };
    expect(body.api).toMatchObject({ model: 'gpt-4o-mini', asOf: '2025-10-01' });
    // 0.75 × $0.15 + 0.25 × $0.60 = $0.2625 per 1M: 51.84M tokens/day is $13.61, under $48 of GPU.
    expect(body.api.blendedPerMtok).toBeCloseTo(0.2625, 10);
    expect(body.breakeven.tokensPerDay).toBeNull();
    const text = await runCost(['breakeven', '--api-model', 'gpt-4o-mini', '--gpu-hour-usd', '2', '--throughput', '1000']);
    expect(text.stdout).toContain('Self-hosting never wins');
    // Both prices given: the catalogue is not credited for them.
    const given = await runCost(['breakeven', '--api-model', 'gpt-4o', '--api-input-price', '1', '--api-output-price', '2', '--gpu-hour-usd', '2', '--throughput', '1000']);
    expect(given.stdout).toContain('API (gpt-4o, prices as given): $1 in / $2 out');
  });

  it('--svg writes the same curves as a standalone SVG', async () => {
    const file = join(directory, 'breakeven.svg');
    const result = await runCost([...CASE, '--svg', file]);
    expect(result.code).toBe(0);
    const svg = await readFile(file, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<polyline points="[^"]+" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2"\/>/g)).toHaveLength(2);
    expect(svg).toContain('break-even');
  });

  it.each([
    [['--utilisation', '1.5'], "error: --utilisation: expected a number > 0 and ≤ 1, got '1.5'"],
    [['--throughput', 'fast'], "error: --throughput: expected a number > 0, got 'fast'"],
    [['--gpus', '1.5'], "error: --gpus: expected a whole number of GPUs, got '1.5'"],
    [['--input-share', '-0.1'], "error: --input-share: expected a number ≥ 0 and ≤ 1, got '-0.1'"],
    [['--api-model', 'no-such-model'], "error: --api-model: 'no-such-model' is not in the price catalogue; give --api-input-price and --api-output-price"],
  ])('refuses %j with a one-line reason naming the option', async (extra, message) => {
    const result = await runCost([...CASE, ...extra]);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('refuses missing prices, in text and JSON', async () => {
    const result = await runCost(['breakeven', '--gpu-hour-usd', '2', '--throughput', '1000']);
    expect(result).toMatchObject({ code: 1, stderr: 'error: --api-input-price and --api-output-price (or --api-model) are required\n' });
    const json = await runCost(['breakeven', '--api-model', 'gpt-4o', '--throughput', '1000', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: { code: 'error', message: '--gpu-hour-usd is required' } });
  });
});
