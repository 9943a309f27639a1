import type { ChatCall } from '../../src/spec/chat-call.js';
import type { ChatResult } from '../../src/spec/chat-result.js';
import type { LanguageModelAdapter, StreamResult } from '../../src/spec/language-model-adapter.js';
import type { StreamEvent } from '../../src/spec/stream-event.js';
import { loadConfigText } from '../../src/core/config/load-config.js';
import { buildGatewayRuntime, type GatewayRuntime } from '../../src/core/registry/gateway-runtime.js';

/** What a scripted adapter does on each call, in order; the last entry repeats. */
export type FakeStep =
  | { kind: 'answer'; text: string; delayMs?: number }
  | { kind: 'fail'; error: unknown; delayMs?: number }
  | { kind: 'stream'; events: StreamEvent[]; failAfter?: { index: number; error: unknown } };

export interface FakeAdapter extends LanguageModelAdapter {
  calls: ChatCall[];
}

/** An in-process adapter that follows a script, for executor tests that need no HTTP. */
export function createFakeAdapter(deployment: string, steps: FakeStep[]): FakeAdapter {
  const calls: ChatCall[] = [];
  const next = () => steps[Math.min(calls.length - 1, steps.length - 1)]!;
  const wait = (ms: number | undefined, signal?: AbortSignal) =>
    ms
      ? new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        })
      : Promise.resolve();
  return {
    specVersion: 'v1',
    provider: deployment.split('/')[0]!,
    providerType: 'fake',
    modelId: deployment.split('/')[1] ?? deployment,
    calls,
    async generate(call: ChatCall): Promise<ChatResult> {
      calls.push(call);
      const step = next();
      if (step.kind === 'stream') throw new Error('scripted a stream for generate');
      await wait(step.delayMs, call.abortSignal);
      if (step.kind === 'fail') throw step.error;
      return {
        content: [{ type: 'text', text: step.text }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 10, outputTokens: 5 },
        response: { modelId: deployment },
        warnings: [],
      };
    },
    async stream(call: ChatCall): Promise<StreamResult> {
      calls.push(call);
      const step = next();
      if (step.kind === 'fail') {
        await wait(step.delayMs, call.abortSignal);
        throw step.error;
      }
      const events: StreamEvent[] =
        step.kind === 'stream'
          ? step.events
          : [
              { type: 'stream-start', warnings: [] },
              { type: 'text-delta', delta: step.text },
              { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 10, outputTokens: 5 } },
            ];
      let index = 0;
      const failAfter = step.kind === 'stream' ? step.failAfter : undefined;
      return {
        stream: new ReadableStream<StreamEvent>({
          pull(controller) {
            if (failAfter && index === failAfter.index) {
              controller.error(failAfter.error);
              return;
            }
            if (index >= events.length) controller.close();
            else controller.enqueue(events[index++]!);
          },
        }),
      };
    },
  };
}

/** A runtime from YAML (simulated providers are fine) whose chat adapters are replaced by fakes. */
export function runtimeWithFakes(yaml: string, fakes: Record<string, FakeAdapter>): GatewayRuntime {
  const runtime = buildGatewayRuntime(loadConfigText(yaml, 'test.yaml', { env: {} }));
  for (const [id, adapter] of Object.entries(fakes)) {
    const target = runtime.targets.get(id);
    if (!target) throw new Error(`no deployment '${id}' in the test config`);
    target.chat = adapter;
  }
  return runtime;
}
