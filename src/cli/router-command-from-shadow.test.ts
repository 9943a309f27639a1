import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import type { ShadowPair } from '../core/evaluation/evaluation-records.js';
import { createLearnedRouterModel, parseRouterArtifact } from '../core/routing/learned/router-artifact.js';
import { trainLearnedRouter } from '../core/routing/learned/train-router.js';
import { openEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import { registerRouterCommands } from './router-command.js';

/** `router train --from-shadow` against a real SQLite evaluation store, as the gateway writes it. */

const NOW = Date.parse('2025-03-10T12:00:00Z');
const DAY = 86_400_000;

let directory: string;
let configFile: string;

const runRouter = (args: string[]) => runCommandInProcess((program) => registerRouterCommands(program, { now: () => NOW }), ['router', ...args]);

function shadowPair(index: number, overrides: Partial<ShadowPair>): ShadowPair {
  return {
    requestId: `req-${index}`,
    time: NOW - DAY + index,
    workload: 'support',
    router: 'learned',
    served: index % 3 === 0 ? 'strong' : 'cheap',
    cheapModel: 'small',
    strongModel: 'big',
    judgeModel: 'judge',
    outcome: 'tie',
    consistent: true,
    prompt: `[user]\nquestion ${index}`,
    costUsd: 0.001,
    ...overrides,
  };
}

/** A clean signal: proofs needed the strong model, recipes did not. Plus pairs training must skip. */
function seededPairs(): ShadowPair[] {
  const pairs: ShadowPair[] = [];
  for (let index = 0; index < 40; index += 1) {
    const hard = index % 2 === 0;
    pairs.push(
      shadowPair(index, {
        prompt: hard ? `[system]\nBe exact.\n\n[user]\nprove lemma ${index} rigorously with a formal proof` : `[user]\nshare a simple soup recipe number ${index}`,
        outcome: hard ? 'strong_better' : index % 4 === 1 ? 'tie' : 'cheap_better',
        consistent: true,
      }),
    );
  }
  for (let index = 40; index < 45; index += 1) pairs.push(shadowPair(index, { outcome: 'unjudged', reason: 'malformed judge reply after 2 attempt(s)' }));
  for (let index = 45; index < 48; index += 1) pairs.push(shadowPair(index, { router: 'cascade', cheapModel: 'tiny', strongModel: 'big', outcome: 'strong_better' }));
  // Other workloads: only ties (one class) and an old pair outside --since.
  for (let index = 48; index < 78; index += 1) pairs.push(shadowPair(index, { workload: 'faq', outcome: 'tie' }));
  pairs.push(shadowPair(78, { workload: 'support', time: NOW - 40 * DAY, outcome: 'strong_better' }));
  return pairs;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-router-shadow-'));
  const databasePath = join(directory, 'switchyard.db');
  // The workload's learned router names the models to train for; config loading reads its artifact.
  const artifact = trainLearnedRouter(
    [
      { id: 'a', input: { prompt: 'hard' }, weakQuality: 0, strongQuality: 1 },
      { id: 'b', input: { prompt: 'easy' }, weakQuality: 1, strongQuality: 1 },
    ],
    { variant: 'baseline', strong: 'big', weak: 'small', trainedOn: { file: 'seed', sha256: '0'.repeat(64), split: 'train', examples: 2 } },
  );
  await writeFile(join(directory, 'current-router.json'), JSON.stringify(artifact));
  configFile = join(directory, 'switchyard.yaml');
  await writeFile(
    configFile,
    `providers:
  a: { type: simulated }
models:
  small: { deployments: [{ provider: a, model: small-1 }] }
  big: { deployments: [{ provider: a, model: big-1 }] }
workloads:
  support:
    route: { model: small }
    routing:
      learned: { artifact: current-router.json, weak: small, strong: big }
  faq:
    route: { model: small }
storage: { type: sqlite, path: "${databasePath}" }
`,
  );
  const opened = await openEvaluationStore({ type: 'sqlite', path: databasePath });
  try {
    await opened.store.recordShadowPairs(seededPairs());
  } finally {
    await opened.close();
  }
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard router train --from-shadow', () => {
  it("trains on a workload's judged pairs for its learned router's models, skipping the rest", async () => {
    const out = join(directory, 'support-router.json');
    const result = await runRouter(['train', '--from-shadow', '--workload', 'support', '--since', '30', '--config', configFile, '--variant', 'baseline', '--folds', '3', '--out', out, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { ok: boolean; weak: string; strong: string; counts: Record<string, number> };
    expect(summary).toMatchObject({ ok: true, weak: 'small', strong: 'big' });
    // 48 recent support pairs: 40 judged small → big, 5 unjudged, 3 of a cascade with another cheap model.
    expect(summary.counts).toEqual({ pairs: 48, used: 40, unjudged: 5, otherModels: 3, needsStrong: 20, cheapEnough: 20 });
    const artifact = parseRouterArtifact(JSON.parse(await readFile(out, 'utf8')), out);
    expect(artifact).toMatchObject({ variant: 'baseline', weak: 'small', strong: 'big' });
    expect(artifact.trainedOn).toMatchObject({ file: 'shadow-pairs:support', split: 'shadow', examples: 40, extra: { source: 'shadow', workload: 'support', since: NOW - 30 * DAY } });
    expect(artifact.trainedOn.sha256).toMatch(/^[0-9a-f]{64}$/);
    // It learned what the judge said: proofs score as needing the strong model, recipes do not.
    const model = createLearnedRouterModel(artifact);
    const hard = model.score({ prompt: 'prove lemma 99 rigorously with a formal proof' });
    const easy = model.score({ prompt: 'share a simple soup recipe number 99' });
    expect(hard).toBeGreaterThan(artifact.threshold);
    expect(easy).toBeLessThanOrEqual(artifact.threshold);
  });

  it('says what it did in text', async () => {
    const out = join(directory, 'text-router.json');
    const result = await runRouter(['train', '--from-shadow', '--workload', 'support', '--config', configFile, '--variant', 'baseline', '--folds', '3', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Trained baseline router on 41 shadow pairs of support \(small → big: 21 needed the strong model, 20 did not\); wrote /);
    expect(result.stdout).toContain('Skipped 5 unjudged and 3 of other models, of 49 read.');
  });

  it.each([
    [['--workload', 'faq', '--weak', 'small', '--strong', 'big'], /all 30 judged shadow pairs for small → big say the cheap answer was as good; a router needs examples of both/],
    // Pairs 21 onwards: 19 judged ones of small → big.
    [['--workload', 'support', '--since', '2025-03-09T12:00:00.021Z'], /only 19 judged shadow pairs for small → big \(need at least 20; 5 unjudged and 3 of other models skipped\)/],
    [['--since', '30'], /shadow pairs span several model pairs: small → big \(70\), tiny → big \(3\); choose one with --weak and --strong, or --workload/],
    [['--workload', 'support', '--since', 'last week'], /--since: expected a number of days \(30, 30d\) or an ISO date, got 'last week'/],
    [['--workload', 'support', '--data', 'x.jsonl'], /give --data or --from-shadow, not both/],
    [['--workload', 'support', '--weak', 'small'], /give --weak and --strong together/],
    [['--workload', 'nosuch'], /unknown workload 'nosuch' \(known: /],
    [['--workload', 'support', '--max-cost', '$0.01'], /--max-cost takes a share of traffic to the strong model/],
  ])('refuses %j with a one-line reason', async (extra, message) => {
    const result = await runRouter(['train', '--from-shadow', '--config', configFile, '--variant', 'baseline', '--folds', '3', '--out', join(directory, 'refused.json'), '--json', ...extra]);
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout) as { ok: boolean; error: { message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.message).toMatch(message);
    expect(body.error.message).not.toContain('\n');
  });
});
