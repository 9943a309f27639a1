import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { LOCAL_SENTENCE_ENCODER } from '../core/routing/embeddings/local-sentence-encoder.js';
import { parseRouterArtifact } from '../core/routing/learned/router-artifact.js';
import { loadRoutingDataset } from '../evals/routing/routing-dataset.js';
import { registerRouterCommands } from './router-command.js';

const fixture = (name: string) => fileURLToPath(new URL(`../evals/routing/__fixtures__/${name}`, import.meta.url));
const GSM8K = fixture('gsm8k-slice.jsonl');
const PRICES = fixture('prices.json');
const PAIR = ['--strong', 'gpt-4o-2024-05-13', '--weak', 'Meta-Llama-3-8B-Instruct'];
const runRouter = (args: string[]) => runCommandInProcess(registerRouterCommands, ['router', ...args]);

let directory: string;
let routerFile: string;
let trained: { stdout: string; stderr: string; code: number };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-router-embeddings-'));
  routerFile = join(directory, 'router.json');
  trained = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--embeddings', 'local', '--folds', '3', '--out', routerFile, '--json']);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard router with prompt embeddings (local sentence encoder)', () => {
  it('train --embeddings local embeds the train prompts, offers the embedding member and records the embedder when it is chosen', async () => {
    expect(trained.code, trained.stderr).toBe(0);
    const artifact = parseRouterArtifact(JSON.parse(await readFile(routerFile, 'utf8')), routerFile);
    const candidates = (artifact.trainedOn.extra?.crossValidation as { candidates: { name: string }[] }).candidates.map((candidate) => candidate.name);
    expect(candidates).toContain('embedding');
    expect(candidates).toContain('baseline+embedding');
    const chosen = (artifact.trainedOn.extra?.crossValidation as { ensemble: string }).ensemble;
    if (chosen.includes('embedding')) expect(artifact.features.embedding).toEqual({ embedder: LOCAL_SENTENCE_ENCODER, dimension: 512 });
    else expect(artifact.features.embedding).toBeUndefined();
  });

  it('score embeds the prompts itself when the router needs embeddings, and eval asks for --embeddings', async () => {
    // Force an artifact that reads embeddings, whatever the slice's cross-validation chose.
    const dataset = await loadRoutingDataset(GSM8K);
    const artifact = JSON.parse(await readFile(routerFile, 'utf8'));
    const embeddingRouter = join(directory, 'embedding-router.json');
    const weights = Array.from({ length: 512 }, (_value, index) => (index % 7 === 0 ? 0.5 : 0));
    const forced = {
      ...artifact,
      features: { ...artifact.features, embedding: { embedder: LOCAL_SENTENCE_ENCODER, dimension: 512 } },
      model: { combine: 'single', members: [{ weight: 1, member: { kind: 'embedding', bias: 0, weights } }] },
    };
    await writeFile(embeddingRouter, JSON.stringify(forced));
    const scoresFile = join(directory, 'scores.jsonl');
    const scored = await runRouter(['score', '--router', embeddingRouter, '--data', GSM8K, '--split', 'test', '--out', scoresFile, '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    const lines = (await readFile(scoresFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; score: number });
    expect(lines).toHaveLength(dataset.rows.filter((row) => row.split === 'test').length);
    // Different prompts, different embeddings, different scores.
    expect(new Set(lines.map((line) => line.score.toFixed(6))).size).toBeGreaterThan(lines.length / 2);

    const refused = await runRouter(['eval', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--router', embeddingRouter, '--json']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(`reads prompt embeddings from '${LOCAL_SENTENCE_ENCODER}': add --embeddings ${LOCAL_SENTENCE_ENCODER}`);
    const evaluated = await runRouter(['eval', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--router', embeddingRouter, '--embeddings', 'local', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { policies: { name: string }[] }).policies[0]!.name).toMatch(/learned/);
  });

  it('refuses an embedder that cannot run offline, and --embeddings with the baseline variant', async () => {
    const unknown = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--embeddings', 'openai/text-embedding-3-small', '--out', join(directory, 'x.json'), '--json']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout + unknown.stderr).toMatch(/--embeddings: 'openai\/text-embedding-3-small' cannot run offline; expected one of local/);
    const baseline = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--variant', 'baseline', '--embeddings', 'local', '--out', join(directory, 'y.json'), '--json']);
    expect(baseline.stdout + baseline.stderr).toMatch(/baseline variant reads n-grams only/);
  });
});
