import type { ChatCall } from '../../src/spec/chat-call.js';
import type { ChatResult } from '../../src/spec/chat-result.js';
import type { LanguageModelAdapter, StreamResult } from '../../src/spec/language-model-adapter.js';
import type { StreamEvent } from '../../src/spec/stream-event.js';
import { loadConfigText } from '../../src/core/config/load-config.js';
import { buildGatewayRuntime, type GatewayRuntime } from '../../src/core/registry/gateway-runtime.js';
import type { ResilienceState } from '../../src/core/resilience/resilience-state.js';
import { abortableSleep } from '../../src/provider-utils/abortable-sleep.js';

/** What a scripted adapter does on each call, in order; the last entry repeats. */
export type FakeStep =
  | {
      kind: 'answer';
      text: string;
      delayMs?: number;
      /** Response headers (e.g. rate-limit headers the executor learns from). */
      headers?: Record<string, string>;
      /** Keep waiting out `delayMs` after the abort signal fires, like an adapter that never looks at it. */
      ignoreAbort?: boolean;
    }
  | { kind: 'fail'; error: unknown; delayMs?: number }
  | {
      kind: 'stream';
      events: StreamEvent[];
      /** Before `stream()` resolves (the time to response headers). */
      delayMs?: number;
      /** Before every event. */
      eventDelayMs?: number;
      failAfter?: { index: number; error: unknown };
      /** At this event index the upstream goes silent until the call is aborted. */
      stallAt?: number;
      /** Carry on as scripted after the abort signal fires. */
      ignoreAbort?: boolean;
    };

export interface FakeAdapter extends LanguageModelAdapter {
  calls: ChatCall[];
  /** Reasons the executor cancelled this adapter's streams with, in order. */
  streamCancels: unknown[];
}

/** Text stream events: start, one delta per piece, finish. */
export function textEvents(...pieces: string[]): StreamEvent[] {
  return [
    { type: 'stream-start', warnings: [] },
    ...pieces.map((delta): StreamEvent => ({ type: 'text-delta', delta })),
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 10, outputTokens: pieces.length } },
  ];
}

/** Waits `ms` on the (possibly fake) timers; rejects with the signal's reason when it aborts first. */
const wait = (ms: number | undefined, signal?: AbortSignal): Promise<void> => abortableSleep(ms ?? 0, signal);

/** Resolves only when the signal aborts, rejecting with its reason (like a socket torn down by undici). */
function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** An in-process adapter that follows a script, for executor tests that need no HTTP. */
export function createFakeAdapter(deployment: string, steps: FakeStep[]): FakeAdapter {
  const calls: ChatCall[] = [];
  const streamCancels: unknown[] = [];
  const next = () => steps[Math.min(calls.length - 1, steps.length - 1)]!;
  return {
    specVersion: 'v1',
    provider: deployment.split('/')[0]!,
    providerType: 'fake',
    modelId: deployment.split('/')[1] ?? deployment,
    calls,
    streamCancels,
    async generate(call: ChatCall): Promise<ChatResult> {
      calls.push(call);
      const step = next();
      if (step.kind === 'stream') throw new Error('scripted a stream for generate');
      await wait(step.delayMs, step.kind === 'answer' && step.ignoreAbort ? undefined : call.abortSignal);
      if (step.kind === 'fail') throw step.error;
      return {
        content: [{ type: 'text', text: step.text }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 10, outputTokens: 5 },
        response: { modelId: deployment, ...(step.headers ? { headers: step.headers } : {}) },
        warnings: [],
      };
    },
    async stream(call: ChatCall): Promise<StreamResult> {
      calls.push(call);
      const step = next();
      const signal = step.kind !== 'fail' && step.ignoreAbort ? undefined : call.abortSignal;
      await wait(step.delayMs, signal);
      if (step.kind === 'fail') throw step.error;
      const events: StreamEvent[] = step.kind === 'stream' ? step.events : textEvents(step.text);
      const script = step.kind === 'stream' ? step : undefined;
      let index = 0;
      return {
        response: { modelId: deployment },
        stream: new ReadableStream<StreamEvent>(
          {
            async pull(controller) {
              try {
                if (script?.stallAt === index) await untilAborted(signal);
                await wait(script?.eventDelayMs, signal);
              } catch (error) {
                controller.error(error);
                return;
              }
              if (script?.failAfter && index === script.failAfter.index) {
                controller.error(script.failAfter.error);
                return;
              }
              if (index >= events.length) controller.close();
              else controller.enqueue(events[index++]!);
            },
            cancel(reason) {
              streamCancels.push(reason);
            },
          },
          { highWaterMark: 0 },
        ).getReader(),
      };
    },
  };
}

export interface FakeRuntimeOptions {
  /** Breakers, health and budgets with an injected clock and random source. */
  resilience?: ResilienceState;
}

/** A runtime from YAML (simulated providers are fine) whose chat adapters are replaced by fakes. */
export function runtimeWithFakes(yaml: string, fakes: Record<string, FakeAdapter>, options: FakeRuntimeOptions = {}): GatewayRuntime {
  const runtime = buildGatewayRuntime(loadConfigText(yaml, 'test.yaml', { env: {} }), options.resilience ? { resilience: options.resilience } : {});
  for (const [id, adapter] of Object.entries(fakes)) {
    const target = runtime.targets.get(id);
    if (!target) throw new Error(`no deployment '${id}' in the test config`);
    target.chat = adapter;
  }
  return runtime;
}

/** A one-message chat call. */
export function chatCall(text = 'hi', abortSignal?: AbortSignal): ChatCall {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...(abortSignal ? { abortSignal } : {}) };
}

/** A promise's state, readable synchronously while fake timers are advanced. */
export interface Tracked<T> {
  settled: boolean;
  value?: T;
  error?: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const state: Tracked<T> = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Reads a stream of events to its end, returning the events (or throwing the stream's error). */
export async function readAllEvents(reader: { read(): Promise<{ done: boolean; value?: StreamEvent }> }): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for (;;) {
    const next = await reader.read();
    if (next.done) return events;
    if (next.value) events.push(next.value);
  }
}
