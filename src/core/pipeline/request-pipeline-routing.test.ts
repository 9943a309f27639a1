import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import { ProviderApiError } from '../../spec/errors.js';
import type { ChatCall } from '../../spec/chat-call.js';
import { trainLearnedRouter } from '../routing/learned/train-router.js';
import { RequestPipeline, type PipelineRequest } from './request-pipeline.js';
import type { RequestSummary } from './request-summary.js';

const BASE_YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  small:
    deployments: [{ provider: a, model: small-1, context_window: 2000 }]
  big:
    deployments: [{ provider: b, model: big-1, context_window: 100000 }]
`;

let directory: string;
let artifactPath: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-routing-'));
  // A router trained on a plain signal: prompts that ask for a proof need the strong model.
  const examples = Array.from({ length: 80 }, (_unused, index) => {
    const hard = index % 2 === 0;
    return {
      id: `example-${index}`,
      input: { prompt: hard ? `prove theorem ${index} rigorously with a formal proof` : `what colour is item ${index} on the list` },
      weakQuality: hard ? 0 : 1,
      strongQuality: 1,
    };
  });
  const artifact = trainLearnedRouter(examples, {
    variant: 'baseline',
    strong: 'big-1',
    weak: 'small-1',
    trainedOn: { file: 'synthetic', sha256: '0'.repeat(64), split: 'train', examples: examples.length },
  });
  artifactPath = join(directory, 'router.json');
  await writeFile(artifactPath, JSON.stringify({ ...artifact, threshold: 0.5 }));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function setup(workloadYaml: string, fakes: { small: FakeAdapter; big: FakeAdapter }) {
  const runtime = runtimeWithFakes(`${BASE_YAML}workloads:\n${workloadYaml}`, { 'a/small-1': fakes.small, 'b/big-1': fakes.big });
  const summaries: RequestSummary[] = [];
  const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
  const request = (call: ChatCall, hints?: PipelineRequest['hints']): PipelineRequest => ({
    runtime,
    requestId: `req-${summaries.length}`,
    startedAt: performance.now(),
    endpoint: 'chat',
    model: 'workload/w',
    call,
    ...(hints ? { hints } : {}),
  });
  return { pipeline, summaries, request };
}

const answers = (smallText: string, bigText = 'big answer') => ({
  small: createFakeAdapter('a/small-1', [{ kind: 'answer', text: smallText }]),
  big: createFakeAdapter('b/big-1', [{ kind: 'answer', text: bigText }]),
});

describe('RequestPipeline routing: static rules', () => {
  const yaml = `  w:
    route: { model: small }
    routing:
      rules:
        - { name: tooling, when: { has: [tools] }, model: big }
        - { name: code, when: { task: [code, legal] }, model: big }
        - { name: premium, when: { metadata: { tier: premium } }, model: big }
`;

  it('sends a request with tools to the rule model, and says which rule in the plan and the log', async () => {
    const fakes = answers('small answer');
    const { pipeline, summaries, request } = setup(yaml, fakes);
    const call: ChatCall = { ...chatCall('look it up'), tools: [{ type: 'function', name: 'search', parameters: { type: 'object' } }] };
    const { plan, execution } = await pipeline.generate(request(call));
    expect(execution.target.deployment.id).toBe('b/big-1');
    expect(plan).toMatchObject({ model: 'big', router: 'rules', reason: 'rule tooling: has tools' });
    expect(summaries[0]).toMatchObject({ routeModel: 'big', routing: { router: 'rules' }, deployment: 'b/big-1' });
    expect(fakes.small.calls).toHaveLength(0);
  });

  it('matches the task tag and metadata from the request hints, else keeps the workload route', async () => {
    const fakes = answers('small answer');
    const { pipeline, request } = setup(yaml, fakes);
    const byTask = await pipeline.generate(request(chatCall('fix this function'), () => ({ task: 'code', metadata: {} })));
    expect(byTask.plan).toMatchObject({ model: 'big', router: 'rules' });
    const byMetadata = await pipeline.generate(request(chatCall('hello'), () => ({ metadata: { tier: 'premium' } })));
    expect(byMetadata.plan.reason).toContain('rule premium');
    const plain = await pipeline.generate(request(chatCall('hello'), () => ({ task: 'chat', metadata: { tier: 'free' } })));
    expect(plain.plan).toMatchObject({ model: 'small', router: 'default' });
    expect(plain.execution.target.deployment.id).toBe('a/small-1');
  });
});

describe('RequestPipeline routing: context fit', () => {
  it('skips a model whose window cannot hold the input plus max output, and refuses what nothing can hold', async () => {
    const fakes = answers('small answer');
    const { pipeline, request } = setup(`  w:\n    route: { model: small, fallbacks: [big] }\n`, fakes);
    const long: ChatCall = { ...chatCall('word '.repeat(3000)), maxOutputTokens: 100 };
    const { plan, execution } = await pipeline.generate(request(long));
    expect(execution.target.deployment.id).toBe('b/big-1');
    expect(plan.reason).toMatch(/context: skipped a\/small-1/);
    expect(fakes.small.calls).toHaveLength(0);

    const huge: ChatCall = { ...chatCall('hi'), maxOutputTokens: 200_000 };
    await expect(pipeline.generate(request(huge))).rejects.toMatchObject({ code: 'context_length_exceeded', httpStatus: 400 });
    expect(fakes.big.calls).toHaveLength(1);
  });
});

describe('RequestPipeline routing: cascade', () => {
  const yaml = `  w:
    route: { model: small }
    routing:
      cascade:
        tiers: [small, big]
        checks: [refusal]
`;

  it('accepts the cheap answer when its checks pass, recording one tier', async () => {
    const fakes = answers('The capital of France is Paris.');
    const { pipeline, summaries, request } = setup(yaml, fakes);
    const { plan, execution } = await pipeline.generate(request(chatCall('capital of France?')));
    expect(execution.result.content).toEqual([{ type: 'text', text: 'The capital of France is Paris.' }]);
    expect(plan).toMatchObject({ model: 'small', router: 'cascade' });
    expect(summaries[0]!.routing).toEqual({ router: 'cascade', tiers: ['small', 'big'], tier: 0, steps: [{ model: 'small', outcome: 'accepted' }] });
    expect(fakes.big.calls).toHaveLength(0);
  });

  it('escalates a refusal to the next tier and records both tiers and their attempts', async () => {
    const fakes = answers("I'm sorry, but I can't help with that.", 'Here is the answer.');
    const { pipeline, summaries, request } = setup(yaml, fakes);
    const { plan, execution } = await pipeline.generate(request(chatCall('hard question')));
    expect(execution.result.content).toEqual([{ type: 'text', text: 'Here is the answer.' }]);
    expect(plan.model).toBe('big');
    expect(plan.reason).toMatch(/small escalated \(refusal: .*\); big answered/);
    const summary = summaries[0]!;
    expect(summary.routing).toMatchObject({ router: 'cascade', tier: 1, steps: [{ model: 'small', outcome: 'escalated', check: 'refusal' }, { model: 'big', outcome: 'accepted' }] });
    expect(summary.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.tier])).toEqual([
      ['a/small-1', 'ok', 0],
      ['b/big-1', 'ok', 1],
    ]);
    expect(summary.deployment).toBe('b/big-1');
  });

  it('escalates when the cheap tier fails outright, and records every tier when the last fails too', async () => {
    const down = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });
    const fakes = {
      small: createFakeAdapter('a/small-1', [{ kind: 'fail', error: down() }]),
      big: createFakeAdapter('b/big-1', [{ kind: 'fail', error: new ProviderApiError('overloaded', { provider: 'b', upstreamStatus: 503 }) }]),
    };
    const { pipeline, summaries, request } = setup(yaml, fakes);
    await expect(pipeline.generate(request(chatCall('q')))).rejects.toMatchObject({ code: 'all_targets_failed' });
    expect(summaries[0]!.routing).toMatchObject({ router: 'cascade', steps: [{ model: 'small', outcome: 'failed' }, { model: 'big', outcome: 'failed' }] });
    expect(summaries[0]!.attempts.map((attempt) => attempt.tier)).toEqual([0, 1]);
  });

  it('buffers a streamed cheap answer, checks it, then streams it', async () => {
    const fakes = answers('Paris.');
    const { pipeline, summaries, request } = setup(yaml, fakes);
    const { execution } = await pipeline.stream(request(chatCall('capital?')));
    const events = await readAllEvents(execution.result.events);
    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { delta: string }).delta).join('')).toBe('Paris.');
    // The cheap tier was asked for a whole answer (it had to be checked before the client saw it).
    expect(fakes.small.calls).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(summaries[0]).toMatchObject({ stream: true, routing: { tier: 0 }, deployment: 'a/small-1' });
  });
});

describe('RequestPipeline routing: learned router', () => {
  const yaml = (extra = '') => `  w:
    route: { model: small }
    routing:
      learned: { artifact: ${JSON.stringify(artifactPathRef())}, weak: small, strong: big${extra} }
`;
  const artifactPathRef = () => artifactPath;

  it('sends prompts the router scores as hard to the strong model and the rest to the weak one, with the score', async () => {
    const fakes = answers('small answer');
    const { pipeline, summaries, request } = setup(yaml(), fakes);
    const hard = await pipeline.generate(request(chatCall('prove theorem 999 rigorously with a formal proof')));
    expect(hard.plan).toMatchObject({ model: 'big', router: 'learned' });
    expect(hard.plan.score).toBeGreaterThan(0.5);
    const easy = await pipeline.generate(request(chatCall('what colour is item 999 on the list')));
    expect(easy.plan).toMatchObject({ model: 'small', router: 'learned' });
    expect(easy.plan.score).toBeLessThan(0.5);
    expect(summaries.map((summary) => summary.routing?.router)).toEqual(['learned', 'learned']);
    expect(summaries[0]!.routing!.score).toBe(hard.plan.score);
  });

  it('refuses a config whose artifact is missing, naming the path', () => {
    expect(() =>
      setup(`  w:\n    route: { model: small }\n    routing:\n      learned: { artifact: /nonexistent/router.json, weak: small, strong: big }\n`, answers('x')),
    ).toThrow(/workloads\.w\.routing\.learned\.artifact.*cannot read router artifact \/nonexistent\/router\.json: file not found/s);
  });
});
