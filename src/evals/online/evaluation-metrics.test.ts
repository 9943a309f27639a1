import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ShadowMetrics } from '../shadow/shadow-metrics.js';
import { EvaluationMetrics } from './evaluation-metrics.js';

describe('EvaluationMetrics', () => {
  it.each(['judge first', 'shadow first'])('shares the evaluation cost counter with the shadow runner (%s)', async (order) => {
    const registry = new Registry();
    let metrics: EvaluationMetrics;
    let shadow: ShadowMetrics;
    if (order === 'judge first') {
      metrics = new EvaluationMetrics(registry);
      shadow = new ShadowMetrics(registry);
    } else {
      shadow = new ShadowMetrics(registry);
      metrics = new EvaluationMetrics(registry);
    }
    metrics.recordJudgeCost('support', 0.25);
    metrics.recordJudgeCost('support', undefined);
    shadow.recordPair('support', 'cheap', 'tie', 0.5);
    const text = await registry.getSingleMetricAsString('switchyard_evaluation_cost_usd_total');
    expect(text).toContain('switchyard_evaluation_cost_usd_total{workload="support",kind="judge"} 0.25');
    expect(text).toContain('switchyard_evaluation_cost_usd_total{workload="support",kind="shadow"} 0.5');
  });

  it('reports no quality or queue series until it has sources', async () => {
    const registry = new Registry();
    const metrics = new EvaluationMetrics(registry);
    expect(await registry.metrics()).not.toMatch(/^switchyard_online_quality_score\{/m);
    metrics.observe({
      rolling: () => [{ workload: 'w', model: 'm', route: 'learned', window: { n: 3, mean: 0.5 }, baseline: { n: 0 }, alerting: false }],
      queue: () => ({ queued: 0, running: 2, dropped: 7, completed: 9, failed: 1 }),
    });
    const text = await registry.metrics();
    expect(text).toContain('switchyard_online_quality_score{workload="w",model="m",route="learned"} 0.5');
    expect(text).not.toMatch(/^switchyard_online_quality_baseline\{/m);
    expect(text).toContain('switchyard_evaluation_queue{state="running"} 2');
    expect(text).toContain('switchyard_evaluation_queue{state="dropped"} 7');
  });
});
