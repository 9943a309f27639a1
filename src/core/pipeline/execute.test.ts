import { describe, expect, it } from 'vitest';
import { ContentFilterError, ContextLengthExceededError, InvalidRequestError, ProviderApiError } from '../../spec/errors.js';
import { createFakeAdapter, runtimeWithFakes } from '../../../test/support/fake-adapter.js';
import { resolveRoute } from '../routing/resolve-route.js';
import { executeGenerate } from './execute.js';
import type { ChatCall } from '../../spec/chat-call.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  small:
    load_balancing: ordered
    deployments: [{ provider: a, model: small-1 }, { provider: b, model: small-2 }]
    fallbacks: [big-context]
  big-context:
    deployments: [{ provider: b, model: big }]
  moderated:
    deployments: [{ provider: b, model: moderated }]
workloads:
  lenient:
    route: { model: small, fallbacks: [{ model: moderated, on: [content_filter] }, big-context] }
`;

/** Runs a request to `route` through the executor on `runtime`. */
function executeWith(runtime: GatewayRuntime, route: { model: string; kind: 'chat' }, request: ChatCall) {
  return executeGenerate(runtime, resolveRoute(runtime, route), request);
}

const call = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };
const upstream503 = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });
const contextLength = () => new ContextLengthExceededError('too long', { provider: 'a', upstreamStatus: 400 });
const filtered = () => new ContentFilterError('refused', { provider: 'a', upstreamStatus: 400 });

describe('executeGenerate fallbacks', () => {
  it('tries the next deployment of the same model on an upstream fault, recording the attempt', async () => {
    const first = createFakeAdapter('a/small-1', [{ kind: 'fail', error: upstream503() }]);
    const second = createFakeAdapter('b/small-2', [{ kind: 'answer', text: 'ok' }]);
    const runtime = runtimeWithFakes(YAML, { 'a/small-1': first, 'b/small-2': second });
    const execution = await executeWith(runtime, { model: 'small', kind: 'chat' }, call);
    expect(execution.target.deployment.id).toBe('b/small-2');
    expect(execution.attempts).toMatchObject([
      { deployment: 'a/small-1', code: 'provider_http_error', upstreamStatus: 503 },
      { deployment: 'b/small-2', code: 'ok' },
    ]);
  });

  it('goes to the model fallback on context length, but never on a bad request', async () => {
    const fakes = {
      'a/small-1': createFakeAdapter('a/small-1', [{ kind: 'fail', error: contextLength() }]),
      'b/small-2': createFakeAdapter('b/small-2', [{ kind: 'fail', error: contextLength() }]),
      'b/big': createFakeAdapter('b/big', [{ kind: 'answer', text: 'big answer' }]),
    };
    const execution = await executeWith(runtimeWithFakes(YAML, fakes), { model: 'small', kind: 'chat' }, call);
    expect(execution.target.deployment.id).toBe('b/big');
    expect(execution.attempts.map((attempt) => attempt.code)).toEqual(['context_length_exceeded', 'context_length_exceeded', 'ok']);

    const bad = { 'a/small-1': createFakeAdapter('a/small-1', [{ kind: 'fail', error: new InvalidRequestError('bad field', { param: 'x' }) }]) };
    await expect(executeWith(runtimeWithFakes(YAML, bad), { model: 'small', kind: 'chat' }, call)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(bad['a/small-1'].calls).toHaveLength(1);
  });

  it('follows only the fallbacks whose conditions match', async () => {
    const moderated = createFakeAdapter('b/moderated', [{ kind: 'answer', text: 'moderated' }]);
    const big = createFakeAdapter('b/big', [{ kind: 'answer', text: 'big' }]);
    const failing = (error: () => Error) => ({
      'a/small-1': createFakeAdapter('a/small-1', [{ kind: 'fail', error: error() }]),
      'b/small-2': createFakeAdapter('b/small-2', [{ kind: 'fail', error: error() }]),
      'b/moderated': moderated,
      'b/big': big,
    });
    const viaFilter = await executeWith(runtimeWithFakes(YAML, failing(filtered)), { model: 'workload/lenient', kind: 'chat' }, call);
    expect(viaFilter.target.deployment.id).toBe('b/moderated');
    const viaOutage = await executeWith(runtimeWithFakes(YAML, failing(upstream503)), { model: 'workload/lenient', kind: 'chat' }, call);
    expect(viaOutage.target.deployment.id).toBe('b/big');
    // The model's own fallback (big-context, default conditions) does not cover content filtering.
    await expect(executeWith(runtimeWithFakes(YAML, failing(filtered)), { model: 'small', kind: 'chat' }, call)).rejects.toMatchObject({
      code: 'all_targets_failed',
      lastError: { code: 'content_filter' },
    });
  });
});
