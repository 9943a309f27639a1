import { describe, expect, it } from 'vitest';
import type { DeploymentView, ModelView, RegistryView, UsageRow } from '../../api/admin-types.js';
import { tierShares } from './tier-share.js';

const usage = (workload: string | null, deployment: string | null, requests: number) => ({ keys: { workload, deployment }, requests }) as UsageRow;
const deployment = (id: string, model: string) => ({ id, model }) as DeploymentView;
const model = (name: string, usedBy: ModelView['usedBy']) => ({ name, usedBy }) as ModelView;

describe('tier shares', () => {
  it('maps answering deployments to models, labels their role and orders cascade tiers', () => {
    const registry: RegistryView = {
      deployments: [deployment('cheap/llama', 'llama'), deployment('frontier/gpt', 'gpt'), deployment('frontier/gpt-eu', 'gpt')],
      models: [
        model('llama', [
          { workload: 'qa', role: 'primary', path: 'workloads.qa.route.model', via: null },
          { workload: 'qa', role: 'cascade_tier', path: 'workloads.qa.routing.cascade.tiers[0]', via: null },
        ]),
        model('gpt', [{ workload: 'qa', role: 'cascade_tier', path: 'workloads.qa.routing.cascade.tiers[1]', via: null }]),
      ],
    };
    const [qa, none] = tierShares([usage('qa', 'frontier/gpt', 1), usage('qa', 'cheap/llama', 6), usage('qa', 'frontier/gpt-eu', 1), usage(null, null, 2)], registry);
    expect(qa).toEqual({
      workload: 'qa',
      requests: 8,
      tiers: [
        { model: 'llama', role: 'cascade tier 0, primary', order: 0, requests: 6, share: 0.75 },
        { model: 'gpt', role: 'cascade tier 1', order: 1, requests: 2, share: 0.25 },
      ],
    });
    expect(none).toMatchObject({ workload: '(none)', tiers: [{ model: 'not answered', share: 1 }] });
  });
});
