import type { OnlineScore } from '../../../core/evaluation/evaluation-records.js';

/**
 * A fleet for export tests: two hosted (frontier) models, one self-hosted, one hosted model whose
 * licence forbids training on its outputs, and workloads across the policy cases.
 */
export const FINETUNE_TEST_CONFIG_YAML = `
providers:
  closed: { type: simulated, data_handling: { self_hosted: false } }
  gpu: { type: simulated }
models:
  frontier:
    registry: { license: openai-api }
    deployments: [{ id: frontier-us, provider: closed, model: frontier-large }]
  frontier-b:
    deployments: [{ provider: closed, model: frontier-b }]
  open-small:
    registry: { license: llama-3.1-community }
    deployments: [{ provider: gpu, model: llama-3.1-8b-instruct }]
  llama3-hosted:
    registry: { license: llama-3-community }
    deployments: [{ provider: closed, model: llama-3-70b }]
workloads:
  support:
    route: { model: frontier }
    policy: { data_class: internal, require: { regions: [eu] } }
    evaluation: { finetune_export: true }
  no-export:
    route: { model: frontier }
    evaluation: { finetune_export: false }
  vault:
    route: { model: open-small }
    policy: { data_class: restricted }
  private:
    route: { model: frontier }
    policy: { data_class: confidential }
  on-prem:
    route: { model: open-small }
    policy: { require: { self_hosted: true } }
  plain:
    route: { model: frontier }
`;

export const DAY = 86_400_000;
/** A fixed clock for the samples: 2030-01-01. */
export const T0 = Date.UTC(2030, 0, 1);

/** A judged sample of `support` with a stored conversation. */
export function sample(requestId: string, overrides: Partial<OnlineScore> = {}): OnlineScore {
  return {
    requestId,
    time: T0,
    workload: 'support',
    model: 'frontier',
    deployment: 'frontier-us',
    route: 'default',
    judgeModel: 'frontier-b',
    score: 0.9,
    rubricScore: 9.1,
    messages: [
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: `Question ${requestId}` },
    ],
    answer: { role: 'assistant', content: `Answer ${requestId}` },
    ...overrides,
  };
}
