import type { RegistryInput } from './resolve-registry.js';
import type { UsageInput } from './workload-usage.js';

/** A small mixed fleet for registry tests: closed APIs, a self-hosted base model and a fine-tune of it. */
export function testFleet(): RegistryInput & UsageInput {
  return {
    providers: {
      openai: { type: 'openai', data_handling: { retention_days: 30, used_for_training: false, regions: ['us'], certifications: ['SOC2'] } },
      anthropic: { type: 'anthropic' },
      gpu: { type: 'vllm', data_handling: { regions: ['eu'] } },
      together: { type: 'together' },
    },
    models: {
      'gpt-4o': {
        registry: { owner: 'platform', license: 'openai-api', lifecycle: 'approved', pinned_version: '2024-08-06' },
        deployments: [{ provider: 'openai', model: 'gpt-4o-2024-08-06' }],
        fallbacks: [],
      },
      claude: {
        registry: { license: 'anthropic-api' },
        deployments: [{ id: 'claude-eu', provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', data_handling: { zero_retention: true, regions: ['eu'] } }],
        fallbacks: [{ model: 'gpt-4o' }],
      },
      'llama-8b': {
        registry: { license: 'llama-3.1-community', pinned_version: 'meta-llama/Llama-3.1-8B-Instruct' },
        deployments: [{ provider: 'gpu', model: 'llama-3.1-8b' }],
        fallbacks: [],
      },
      'support-ft': {
        registry: {
          owner: 'support-team',
          license: 'llama-3.1-community',
          lineage: { base_model: 'llama-8b', base_version: 'meta-llama/Llama-3.1-8B-Instruct', adapter: 'lora-support-v3', quantization_bits: 4 },
        },
        deployments: [{ provider: 'gpu', model: 'support-ft', version: 'r7' }],
        fallbacks: [{ model: 'claude' }],
      },
      'qwen-72b': { registry: { license: 'qwen' }, deployments: [{ provider: 'together', model: 'Qwen/Qwen2.5-72B-Instruct' }], fallbacks: [] },
      'mistral-r': { registry: { license: 'mistral-research', lifecycle: 'candidate' }, deployments: [{ provider: 'gpu', model: 'codestral' }], fallbacks: [] },
      bare: { deployments: [{ provider: 'together', model: 'some-model' }], fallbacks: [] },
    },
    workloads: {
      support: {
        model: 'support-ft',
        fallbacks: [{ model: 'claude' }],
        routing: {
          rules: [{ name: 'long-input', model: 'claude' }, { model: 'qwen-72b', fallbacks: ['gpt-4o'] }],
          cascade: {
            tiers: ['llama-8b', 'gpt-4o'],
            checks: [{ kind: 'refusal' }, { kind: 'agreement', model: 'qwen-72b' }, { kind: 'judge', model: 'claude' }],
          },
        },
      },
      batch: { model: 'llama-8b', fallbacks: [], routing: { learned: { weak: 'llama-8b', strong: 'gpt-4o' } } },
    },
  };
}
