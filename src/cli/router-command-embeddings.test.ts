import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('switchyard router with embeddings from a configured embedding model (model:<name>)', () => {
  let upstream: Server;
  const seen: { authorization?: string; model?: string; inputs: number }[] = [];
  let configFile: string;

  beforeAll(async () => {
    // A fake OpenAI embeddings endpoint whose vectors carry the routing label, so cross-validation
    // must pick the embedding member: [1, 0] where the weak model failed, [0, 1] where it did not.
    const dataset = await loadRoutingDataset(GSM8K);
    const weakFailed = new Map(dataset.rows.map((row) => [row.prompt.slice(0, 4000), (row.models.get('Meta-Llama-3-8B-Instruct')?.quality ?? 1) < 1]));
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const parsed = JSON.parse(body) as { model: string; input: string[] };
        seen.push({ authorization: request.headers.authorization, model: parsed.model, inputs: parsed.input.length });
        const data = parsed.input.map((text, index) => ({ object: 'embedding', index, embedding: weakFailed.get(text) ? [1, 0, 0.1 * (index % 3)] : [0, 1, 0.1 * (index % 3)] }));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data, model: parsed.model, usage: { prompt_tokens: 10, total_tokens: 10 } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    configFile = join(directory, 'switchyard.yaml');
    await writeFile(
      configFile,
      `providers:\n  emb-host: { type: openai, base_url: "http://127.0.0.1:${port}/v1", api_key: emb-secret }\nmodels:\n  emb: { kind: embedding, deployments: [{ provider: emb-host, model: text-embed-1 }] }\n`,
    );
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('train embeds the train prompts through the configured model and the artifact records model:<name>; score embeds the same way', async () => {
    const out = join(directory, 'model-router.json');
    const result = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--embeddings', 'model:emb', '--config', configFile, '--folds', '3', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const artifact = parseRouterArtifact(JSON.parse(await readFile(out, 'utf8')), out);
    expect((artifact.trainedOn.extra?.crossValidation as { ensemble: string }).ensemble).toMatch(/embedding/);
    expect(artifact.features.embedding).toEqual({ embedder: 'model:emb', dimension: 3 });
    expect(seen.every((call) => call.authorization === 'Bearer emb-secret' && call.model === 'text-embed-1')).toBe(true);
    expect(seen.reduce((sum, call) => sum + call.inputs, 0)).toBe(30);

    const scores = join(directory, 'model-scores.jsonl');
    const scored = await runRouter(['score', '--router', out, '--data', GSM8K, '--split', 'test', '--config', configFile, '--out', scores, '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    expect((await readFile(scores, 'utf8')).trim().split('\n')).toHaveLength(10);
  });

  it('refuses model:<name> when the config has no such embedding model, naming the ones it has', async () => {
    const result = await runRouter(['train', '--data', GSM8K, '--prices', PRICES, ...PAIR, '--embeddings', 'model:nope', '--config', configFile, '--out', join(directory, 'z.json'), '--json']);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/--embeddings: no model 'nope' in .*switchyard\.yaml; embedding models there: emb/);
  });
});
