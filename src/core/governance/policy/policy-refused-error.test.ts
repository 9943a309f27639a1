import { describe, expect, it } from 'vitest';
import { PolicyRefusedError } from './policy-refused-error.js';

describe('PolicyRefusedError', () => {
  it('lists at most eight deployments, then counts the rest', () => {
    const denied = Array.from({ length: 11 }, (_, index) => ({ deployment: `openai/model-${index}`, rule: 'require.self_hosted', reason: 'not self-hosted' }));
    const error = new PolicyRefusedError({ workload: 'batch', dataClass: 'internal', findings: [], rule: 'require.self_hosted', demand: 'self-hosted deployments', denied });
    expect(error.message).toContain('openai/model-7 (not self-hosted), and 3 more.');
    expect(error.message).not.toContain('openai/model-8');
    expect(error.denied).toHaveLength(11);
  });

  it('says so when the plan named no deployment at all', () => {
    const error = new PolicyRefusedError({ workload: 'batch', dataClass: 'restricted', findings: [], rule: 'data_class.restricted.self_hosted', demand: 'self-hosted deployments', denied: [] });
    expect(error.message).toBe(
      "Workload 'batch' (data class restricted) may only use self-hosted deployments (policy data_class.restricted.self_hosted); no deployment is configured for it.",
    );
  });
});
