import { describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, runtimeWithFakes, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import { ProviderApiError } from '../../spec/errors.js';
import type { ChatCall } from '../../spec/chat-call.js';
import { RequestPipeline, type PipelineRequest } from './request-pipeline.js';
import type { RequestSummary } from './request-summary.js';

/**
 * The data policy on every routing path: no primary, fallback, hedge, cascade tier or judge call
 * reaches a deployment the workload's policy forbids, and every decision is recorded.
 * `local` is self-hosted (vLLM); `cloud` is a closed API with unknown retention.
 */
const CONFIG = (workloads: string) => `providers:
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
  local2: { type: ollama, base_url: "http://127.0.0.1:9" }
  cloud: { type: openai, api_key: sk-test }
resilience:
  retry: { max_attempts: 1 }
models:
  llama:
    deployments: [{ provider: local, model: llama-3-8b }]
  qwen:
    deployments: [{ provider: local2, model: qwen2-7b }]
  gpt:
    deployments: [{ provider: cloud, model: gpt-4o }]
  mixed:
    load_balancing: ordered
    deployments: [{ provider: local, model: mixtral }, { provider: cloud, model: gpt-4o-mini }]
workloads:
${workloads}`;

interface Fleet {
  llama: FakeAdapter;
  qwen: FakeAdapter;
  gpt: FakeAdapter;
  mixtral: FakeAdapter;
  mini: FakeAdapter;
}

const answering = (deployment: string, text = `answer from ${deployment}`) => createFakeAdapter(deployment, [{ kind: 'answer', text }]);

function fleet(overrides: Partial<Fleet> = {}): Fleet {
  return {
    llama: answering('local/llama-3-8b'),
    qwen: answering('local2/qwen2-7b'),
    gpt: answering('cloud/gpt-4o'),
    mixtral: answering('local/mixtral'),
    mini: answering('cloud/gpt-4o-mini'),
    ...overrides,
  };
}

function setup(workloads: string, fakes: Fleet, edit: (yaml: string) => string = (yaml) => yaml) {
  const runtime = runtimeWithFakes(edit(CONFIG(workloads)), {
    'local/llama-3-8b': fakes.llama,
    'local2/qwen2-7b': fakes.qwen,
    'cloud/gpt-4o': fakes.gpt,
    'local/mixtral': fakes.mixtral,
    'cloud/gpt-4o-mini': fakes.mini,
  });
  const summaries: RequestSummary[] = [];
  const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
  const request = (call: ChatCall = chatCall()): PipelineRequest => ({ runtime, requestId: 'r', startedAt: performance.now(), endpoint: 'chat', model: 'workload/w', call });
  return { pipeline, summaries, request, runtime };
}

const cloudCalls = (fakes: Fleet) => fakes.gpt.calls.length + fakes.mini.calls.length;

describe('data policy in the pipeline', () => {
  it('primary: a restricted workload skips the closed primary for its self-hosted fallback, and records why', async () => {
    const fakes = fleet();
    const { pipeline, summaries, request } = setup(`  w:\n    route: { model: gpt, fallbacks: [llama] }\n    policy: { data_class: restricted }\n`, fakes);
    const { execution } = await pipeline.generate(request());
    expect(execution.target.deployment.id).toBe('local/llama-3-8b');
    expect(cloudCalls(fakes)).toBe(0);
    expect(summaries[0]!.policy).toEqual({ dataClass: 'restricted', findings: [], denied: [{ deployment: 'cloud/gpt-4o', rule: 'data_class.restricted.self_hosted' }] });
  });

  it('refuses a request nothing permitted can serve with a 403 naming the policy, and records the refusal', async () => {
    const fakes = fleet();
    const { pipeline, summaries, request } = setup(`  w:\n    route: { model: gpt }\n    policy: { data_class: restricted }\n`, fakes);
    const refusal = pipeline.generate(request());
    await expect(refusal).rejects.toMatchObject({ code: 'policy_violation', httpStatus: 403 });
    await expect(refusal).rejects.toThrow(/Workload 'w' \(data class restricted\) may only use self-hosted deployments .*cloud\/gpt-4o/);
    expect(cloudCalls(fakes)).toBe(0);
    expect(summaries[0]).toMatchObject({ status: 403, workload: 'w', policy: { refused: 'data_class.restricted.self_hosted' } });
  });

  it('refuses a retired model named directly, as through a workload (retired models are never used)', async () => {
    const fakes = fleet();
    const retireGpt = (yaml: string) => yaml.replace('  gpt:\n', '  gpt:\n    registry: { lifecycle: retired }\n');
    const { pipeline, summaries, runtime } = setup('  w: { route: { model: gpt } }', fakes, retireGpt);
    const direct = pipeline.generate({ runtime, requestId: 'd', startedAt: performance.now(), endpoint: 'chat', model: 'gpt', call: chatCall() });
    await expect(direct).rejects.toMatchObject({ code: 'policy_violation', httpStatus: 403 });
    await expect(direct).rejects.toThrow("A request naming a model directly (data class internal) may only use deployments that are not retired (policy lifecycle.retired); no permitted deployment can serve it: cloud/gpt-4o (retired).");
    expect(fakes.gpt.calls).toHaveLength(0);
    expect(summaries[0]).toMatchObject({ status: 403, workload: undefined, policy: { refused: 'lifecycle.retired', denied: [{ deployment: 'cloud/gpt-4o', rule: 'lifecycle.retired' }] } });
    // A model that is not retired is served directly as before.
    const served = await pipeline.generate({ runtime, requestId: 'e', startedAt: performance.now(), endpoint: 'chat', model: 'llama', call: chatCall() });
    expect(served.execution.target.deployment.id).toBe('local/llama-3-8b');
  });

  it('fallback: when the permitted primary fails, a forbidden fallback is never tried', async () => {
    const down = new ProviderApiError('overloaded', { provider: 'local', upstreamStatus: 503 });
    const fakes = fleet({ llama: createFakeAdapter('local/llama-3-8b', [{ kind: 'fail', error: down }]) });
    const { pipeline, request } = setup(`  w:\n    route: { model: llama, fallbacks: [gpt] }\n    policy: { require: { self_hosted: true } }\n`, fakes);
    await expect(pipeline.generate(request())).rejects.toBe(down);
    expect(fakes.llama.calls).toHaveLength(1);
    expect(cloudCalls(fakes)).toBe(0);
  });

  it('hedge: a slow permitted deployment is not hedged onto a forbidden one', async () => {
    const fakes = fleet({ mixtral: createFakeAdapter('local/mixtral', [{ kind: 'answer', text: 'slow but local', delayMs: 60 }]) });
    const { pipeline, request } = setup(
      `  w:\n    route: { model: mixed }\n    policy: { require: { self_hosted: true } }\n    resilience: { hedge: { enabled: true, after: 5 } }\n`,
      fakes,
    );
    const { execution } = await pipeline.generate(request());
    expect(execution.result.content).toEqual([{ type: 'text', text: 'slow but local' }]);
    expect(cloudCalls(fakes)).toBe(0);
  });

  it('cascade: a forbidden tier is dropped, so the permitted tier answers unchecked', async () => {
    const fakes = fleet({ llama: answering('local/llama-3-8b', "I'm sorry, but I can't help with that.") });
    const { pipeline, summaries, request } = setup(
      `  w:\n    route: { model: llama }\n    policy: { data_class: restricted }\n    routing:\n      cascade: { tiers: [llama, gpt], checks: [refusal] }\n`,
      fakes,
    );
    const { execution } = await pipeline.generate(request());
    expect(execution.target.deployment.id).toBe('local/llama-3-8b');
    expect(cloudCalls(fakes)).toBe(0);
    expect(summaries[0]!.policy!.denied).toEqual([{ deployment: 'cloud/gpt-4o', rule: 'data_class.restricted.self_hosted' }]);
  });

  it('judge: a check may not send the request to a forbidden judge; the answer escalates to a permitted tier instead', async () => {
    const fakes = fleet({ gpt: answering('cloud/gpt-4o', '9') });
    const { pipeline, summaries, request } = setup(
      `  w:\n    route: { model: llama }\n    policy: { require: { self_hosted: true } }\n    routing:\n      cascade: { tiers: [llama, qwen], checks: [{ judge: { model: gpt, min_score: 7 } }] }\n`,
      fakes,
    );
    const { execution } = await pipeline.generate(request());
    expect(execution.target.deployment.id).toBe('local2/qwen2-7b');
    expect(fakes.gpt.calls).toHaveLength(0);
    expect(summaries[0]!.routing!.steps![0]).toMatchObject({ model: 'llama', outcome: 'escalated', check: 'judge' });
    expect(summaries[0]!.policy!.denied).toEqual([{ deployment: 'cloud/gpt-4o', rule: 'require.self_hosted' }]);
  });

  it('sensitive data raises the request to a stricter class, recorded by kind and count without the value', async () => {
    const fakes = fleet();
    const { pipeline, summaries, request } = setup(`  w:\n    route: { model: gpt, fallbacks: [llama] }\n    policy: { detect_sensitive: true }\n`, fakes);
    const plain = await pipeline.generate(request(chatCall('What is the capital of France?')));
    expect(plain.execution.target.deployment.id).toBe('cloud/gpt-4o');
    const carded = await pipeline.generate(request(chatCall('Refund my card 4111 1111 1111 1111 please')));
    expect(carded.execution.target.deployment.id).toBe('local/llama-3-8b');
    expect(summaries[1]!.policy).toMatchObject({ dataClass: 'restricted', raisedFrom: 'internal', findings: [{ kind: 'card', count: 1 }] });
    expect(JSON.stringify(summaries[1]!.policy)).not.toContain('4111');
  });

  it('on_sensitive: refuse turns such a request away before any upstream call', async () => {
    const fakes = fleet();
    const { pipeline, summaries, request } = setup(`  w:\n    route: { model: llama }\n    policy: { detect_sensitive: true, on_sensitive: refuse }\n`, fakes);
    await expect(pipeline.generate(request(chatCall('my key is sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ')))).rejects.toMatchObject({ code: 'policy_violation' });
    expect(fakes.llama.calls).toHaveLength(0);
    expect(summaries[0]!.policy).toMatchObject({ refused: 'on_sensitive.refuse', findings: [{ kind: 'secret', count: 1 }] });
  });
});
