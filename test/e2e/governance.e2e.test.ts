import OpenAI from 'openai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/core/config/load-config.js';
import { createLogger } from '../../src/core/telemetry/create-logger.js';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.js';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { loggedRequest } from '../support/logged-request.js';

/**
 * Governance through a real gateway: a restricted workload never reaches the closed API and is
 * refused with the policy named when nothing else may serve it; the refusal and the findings are
 * in the request log without the sensitive value; the version a provider reports is compared
 * with the pin; a reload is written to the audit log; exposure names the dependent workloads.
 */
let localUpstream: TestServer;
let cloudUpstream: TestServer;
let gateway: RunningGateway;
let client: OpenAI;
let directory: string;
let configFile: string;

const config = (localUrl: string, cloudUrl: string, dir: string, extraWorkload = '') => `providers:
  local: { type: vllm, base_url: "${localUrl}/v1" }
  cloud: { type: openai, base_url: "${cloudUrl}/v1", api_key: sk-test }
models:
  llama:
    registry: { owner: ml-platform, license: llama-3-community, lifecycle: approved }
    deployments: [{ provider: local, model: llama-3-8b }]
  gpt:
    registry: { owner: platform, lifecycle: approved }
    deployments: [{ provider: cloud, model: gpt-4o-2024-05-13 }]
workloads:
  medical:
    route: { model: gpt, fallbacks: [llama] }
    policy: { data_class: restricted }
  locked:
    route: { model: gpt }
    policy: { data_class: restricted }
  support:
    route: { model: gpt, fallbacks: [llama] }
    policy: { detect_sensitive: true }
${extraWorkload}storage: { type: sqlite, path: "${dir}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${dir}/spill" }
`;

beforeAll(async () => {
  localUpstream = await createFakeOpenAIUpstream();
  cloudUpstream = await createFakeOpenAIUpstream();
  directory = await mkdtemp(join(tmpdir(), 'switchyard-governance-'));
  configFile = join(directory, 'switchyard.yaml');
  await writeFile(configFile, config(localUpstream.url, cloudUpstream.url, directory));
  gateway = await startGateway({ config: await loadConfigFile(configFile, { env: {} }), configFile, port: 0, logger: createLogger({ level: 'silent' }) });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await localUpstream.close();
  await cloudUpstream.close();
  await rm(directory, { recursive: true, force: true });
});

const chatCalls = (server: TestServer) => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

async function admin<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${gateway.url}/admin${path}`, init);
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as T;
}

const logged = (requestId: string) => loggedRequest(gateway.url, requestId);

describe('governance end to end', () => {
  it('keeps restricted data on the self-hosted model, and refuses with the policy named when none may serve it', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'workload/medical', messages: [{ role: 'user', content: 'Patient notes' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: Patient notes');
    expect(response.headers.get('x-switchyard-deployment')).toBe('local/llama-3-8b');
    expect(chatCalls(cloudUpstream)).toBe(0);

    const refused = await client.chat.completions.create({ model: 'workload/locked', messages: [{ role: 'user', content: 'Patient notes' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const error = refused as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(error.code).toBe('policy_violation');
    expect(error.message).toMatch(/Workload 'locked' \(data class restricted\) may only use self-hosted deployments \(policy data_class\.restricted\.self_hosted\).*cloud\/gpt-4o-2024-05-13/);
    expect(chatCalls(cloudUpstream)).toBe(0);
    const record = await logged(error.headers!.get('x-request-id')!);
    expect(record).toMatchObject({ status: 403, workload: 'locked', policy: { dataClass: 'restricted', refused: 'data_class.restricted.self_hosted' } });
  });

  it('raises a request carrying a card number to restricted and logs the finding without the number', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'workload/support', messages: [{ role: 'user', content: 'Card 4111 1111 1111 1111 was charged twice' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('local/llama-3-8b');
    const record = await logged(response.headers.get('x-request-id')!);
    expect(record.policy).toMatchObject({ dataClass: 'restricted', raisedFrom: 'internal', findings: [{ kind: 'card', count: 1 }] });
    expect(JSON.stringify(record)).not.toContain('4111');
  });

  it('records the version each deployment answered with and flags one that differs from its pin', async () => {
    await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'hello' }] });
    // The fake answers as `<requested model>-2024-08-06`: the pin gpt-4o-2024-05-13 was not what answered.
    await expect
      .poll(async () => (await admin<{ sightings: Array<{ deployment: string; drift?: { kind: string } }> }>('/registry/drift?drift_only=true')).sightings, { timeout: 5000 })
      .toEqual(expect.arrayContaining([expect.objectContaining({ deployment: 'cloud/gpt-4o-2024-05-13', drift: expect.objectContaining({ kind: 'model_mismatch' }) })]));
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_model_drift_total\{deployment="cloud\/gpt-4o-2024-05-13",kind="model_mismatch"\} 1/);
  });

  it('answers exposure for a model: the workloads that use it and their share of its traffic', async () => {
    const exposure = await admin<{ workloads: Array<{ workload: string | null; uses: Array<{ role: string }>; requests?: number }> }>('/registry/exposure?model=gpt&days=1');
    const names = exposure.workloads.map((entry) => entry.workload);
    expect(names).toEqual(expect.arrayContaining(['medical', 'locked', 'support']));
    const support = exposure.workloads.find((entry) => entry.workload === 'support')!;
    expect(support.uses.map((use) => use.role)).toContain('primary');
  });

  it('retires a model live through the admin API: traffic leaves it at once, and the change is audited', async () => {
    const before = await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(before.response.headers.get('x-switchyard-deployment')).toBe('cloud/gpt-4o-2024-05-13');
    await admin('/registry/models/gpt/lifecycle', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lifecycle: 'retired', reason: 'provider shut it down' }),
    });
    const after = await client.chat.completions.create({ model: 'workload/support', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(after.response.headers.get('x-switchyard-deployment')).toBe('local/llama-3-8b');
    // Named directly, the retired model is refused too.
    const direct = await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(direct).toMatchObject({ status: 403, code: 'policy_violation' });
    const registry = await admin<{ models: Array<{ name: string; lifecycle: string }> }>('/registry');
    expect(registry.models.find((model) => model.name === 'gpt')?.lifecycle).toBe('retired');
    const { entries } = await admin<{ entries: Array<{ action: string; target: string }> }>('/audit?action=registry.change');
    expect(entries[0]).toMatchObject({ action: 'registry.change', target: 'models.gpt' });
  });

  it('writes a reload to the audit log with what changed', async () => {
    await writeFile(configFile, config(localUpstream.url, cloudUpstream.url, directory, '  batch:\n    route: { model: llama }\n'));
    await admin('/reload', { method: 'POST' });
    const { entries } = await admin<{ entries: Array<{ action: string; actor: string; details: unknown }> }>('/audit?action=config.reload');
    expect(entries[0]).toMatchObject({ action: 'config.reload', actor: 'local' });
    expect(JSON.stringify(entries[0]!.details)).toContain('batch');
  });
});
