import { describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, runtimeWithFakes } from '../../../test/support/fake-adapter.js';
import { askInBackground } from './ask-in-background.js';

/** A background call (judge, shadow tier) obeys the sampled request's workload policy like any call. */
const CONFIG = `providers:
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
  cloud: { type: openai, api_key: sk-test }
resilience:
  retry: { max_attempts: 1 }
models:
  judge-mixed:
    load_balancing: ordered
    deployments:
      - { provider: cloud, model: gpt-4o, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } }
      - { provider: local, model: llama-judge }
  judge-cloud:
    deployments: [{ provider: cloud, model: gpt-4o-mini }]
workloads:
  secret:
    route: { model: judge-mixed }
    policy: { data_class: restricted }
  open:
    route: { model: judge-mixed }
`;

function setup() {
  const cloud = createFakeAdapter('cloud/gpt-4o', [{ kind: 'answer', text: 'cloud verdict'}]);
  const local = createFakeAdapter('local/llama-judge', [{ kind: 'answer', text: 'local verdict' }]);
  const mini = createFakeAdapter('cloud/gpt-4o-mini', [{ kind: 'answer', text: 'mini verdict' }]);
  const runtime = runtimeWithFakes(CONFIG, { 'cloud/gpt-4o': cloud, 'local/llama-judge': local, 'cloud/gpt-4o-mini': mini });
  return { runtime, cloud, local, mini };
}

describe('askInBackground', () => {
  it('skips deployments the workload policy denies', async () => {
    const { runtime, cloud, local } = setup();
    const answer = await askInBackground(runtime, { workload: 'secret', model: 'judge-mixed', call: chatCall('rate this') });
    expect(answer.result.content).toEqual([{ type: 'text', text: 'local verdict' }]);
    expect(cloud.calls).toHaveLength(0);
    expect(local.calls).toHaveLength(1);
  });

  it('refuses when the policy leaves no deployment, without calling any', async () => {
    const { runtime, mini } = setup();
    await expect(askInBackground(runtime, { workload: 'secret', model: 'judge-cloud', call: chatCall('rate this') })).rejects.toMatchObject({
      code: 'policy_violation',
    });
    expect(mini.calls).toHaveLength(0);
  });

  it('prices what the call cost', async () => {
    const { runtime } = setup();
    const answer = await askInBackground(runtime, { workload: 'open', model: 'judge-mixed', call: chatCall('rate this') });
    // The fake answers with 10 input and 5 output tokens: at $2.5/M and $10/M.
    expect(answer.costUsd).toBeCloseTo(10 * 2.5e-6 + 5 * 10e-6, 12);
  });
});
