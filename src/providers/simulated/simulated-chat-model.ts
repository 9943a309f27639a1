import { randomUUID } from 'node:crypto';
import { reportUnsupportedSetting } from '../../provider-utils/unsupported-setting.js';
import type { ChatCall, TextPart, ToolCallPart } from '../../spec/chat-call.js';
import type { CallWarning, ChatResult, ResponseInfo } from '../../spec/chat-result.js';
import { StreamInterruptedError } from '../../spec/errors.js';
import type { LanguageModelAdapter, StreamResult } from '../../spec/language-model-adapter.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import type { Usage } from '../../spec/usage.js';
import { countWait, type WaitClock } from '../../spec/wait-clock.js';
import {
  estimateInputTokens,
  generateSimulatedContent,
  tokenize,
  type SimulatedContent,
} from './generate-simulated-content.js';
import { outputDurationMs, SIMULATED_HEADERS, waitForFirstToken, type SimulatedRuntime } from './simulated-runtime.js';
import { simulatedModelId } from './simulated-model-id.js';

/** Tokens per streamed delta: a few, as real providers send. */
const TOKENS_PER_DELTA = 3;

/** One event to emit, and how long producing it takes. */
interface StreamStep {
  event: StreamEvent;
  delayMs: number;
  /** Text and tool-input deltas count towards the `stream_cut` point. */
  isDelta: boolean;
}

/**
 * A language model that runs in-process: no network, no keys. Answers are derived from the prompt
 * (see generate-simulated-content.ts); latency, output pacing and faults follow the provider config.
 */
export class SimulatedChatModel implements LanguageModelAdapter {
  readonly specVersion = 'v1';
  readonly providerType = 'simulated';
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly runtime: SimulatedRuntime,
  ) {
    this.provider = runtime.providerName;
  }

  async generate(call: ChatCall): Promise<ChatResult> {
    const warnings = this.collectWarnings(call);
    const content = this.decideContent(call);
    await waitForFirstToken(this.runtime, call.abortSignal, call.waitClock);
    const outputTokens = countOutputTokens(content);
    await countWait(call.waitClock, this.runtime.sleep(outputDurationMs(this.runtime, outputTokens), call.abortSignal));

    return {
      content: toContentParts(content),
      finishReason: content.finishReason,
      usage: this.usage(call, outputTokens),
      response: this.responseInfo(),
      warnings,
    };
  }

  async stream(call: ChatCall): Promise<StreamResult> {
    const warnings = this.collectWarnings(call);
    const content = this.decideContent(call);
    // Time to first token is time to response headers: a streaming call resolves once it has passed.
    await waitForFirstToken(this.runtime, call.abortSignal, call.waitClock);
    const cut = this.runtime.random() < this.runtime.options.faults.stream_cut;
    const response = this.responseInfo();

    const deltaSteps = this.contentSteps(content);
    const steps: StreamStep[] = [
      { event: { type: 'stream-start', warnings }, delayMs: 0, isDelta: false },
      { event: { type: 'response-metadata', ...response }, delayMs: 0, isDelta: false },
      ...deltaSteps,
      {
        event: { type: 'finish', finishReason: content.finishReason, usage: this.usage(call, countOutputTokens(content)) },
        delayMs: 0,
        isDelta: false,
      },
    ];
    const deltaCount = deltaSteps.filter((step) => step.isDelta).length;
    const cutAfterDeltas = cut ? (deltaCount === 0 ? 0 : Math.max(1, Math.floor(deltaCount / 2))) : undefined;
    return { stream: this.createEventStream(steps, cutAfterDeltas, call.abortSignal, call.waitClock), response };
  }

  private createEventStream(
    steps: StreamStep[],
    cutAfterDeltas: number | undefined,
    callSignal: AbortSignal | undefined,
    waitClock: WaitClock | undefined,
  ): StreamEventReader {
    // Cancelling the stream aborts this controller, which clears any pacing timer still pending.
    // The call's signal may be a RequestSignal, which AbortSignal.any() cannot follow: linked by hand.
    const cancellation = new AbortController();
    const signal = cancellation.signal;
    if (callSignal?.aborted) cancellation.abort(callSignal.reason);
    else callSignal?.addEventListener('abort', () => cancellation.abort(callSignal.reason), { once: true, signal });
    const sleep = this.runtime.sleep;
    const provider = this.provider;
    let index = 0;
    let deltasSent = 0;
    let cancelled = false;

    return new ReadableStream<StreamEvent>(
      {
        async pull(controller) {
          const step = steps[index];
          if (step === undefined) {
            controller.close();
            return;
          }
          // Index 2 onwards is content: the cut lands between deltas, never before the metadata.
          if (cutAfterDeltas !== undefined && index >= 2 && deltasSent >= cutAfterDeltas) {
            controller.error(
              new StreamInterruptedError(
                `Simulated stream cut from ${provider} after ${deltasSent} deltas (faults.stream_cut)`,
              ),
            );
            return;
          }
          try {
            if (signal.aborted) throw signal.reason;
            await countWait(waitClock, sleep(step.delayMs, signal));
          } catch (error) {
            if (!cancelled) controller.error(error);
            return;
          }
          if (cancelled) return;
          controller.enqueue(step.event);
          index += 1;
          if (step.isDelta) deltasSent += 1;
          if (step.event.type === 'finish') controller.close();
        },
        cancel(reason) {
          cancelled = true;
          cancellation.abort(reason);
        },
      },
      { highWaterMark: 0 },
    ).getReader();
  }

  /** Text or tool-call arguments, a few tokens per delta, each delayed by its share of the output time. */
  private contentSteps(content: SimulatedContent): StreamStep[] {
    const steps: StreamStep[] = [];
    const pushDeltas = (tokens: string[], toEvent: (delta: string) => StreamEvent): void => {
      for (let start = 0; start < tokens.length; start += TOKENS_PER_DELTA) {
        const chunk = tokens.slice(start, start + TOKENS_PER_DELTA);
        steps.push({ event: toEvent(chunk.join('')), delayMs: outputDurationMs(this.runtime, chunk.length), isDelta: true });
      }
    };
    if (content.kind === 'text') {
      pushDeltas(content.tokens, (delta) => ({ type: 'text-delta', delta }));
      return steps;
    }
    for (const toolCall of content.toolCalls) {
      const { toolCallId, toolName } = toolCall;
      steps.push({ event: { type: 'tool-input-start', toolCallId, toolName }, delayMs: 0, isDelta: false });
      pushDeltas(tokenize(toolCall.input), (delta) => ({ type: 'tool-input-delta', toolCallId, delta }));
    }
    return steps;
  }

  private decideContent(call: ChatCall): SimulatedContent {
    return generateSimulatedContent(call, { modelId: this.modelId, outputTokens: this.runtime.options.output_tokens });
  }

  private collectWarnings(call: ChatCall): CallWarning[] {
    const warnings: CallWarning[] = [];
    const where = { provider: this.provider, modelId: this.modelId };
    if (call.logprobs) reportUnsupportedSetting(call, warnings, where, 'logprobs');
    if (call.reasoningBudgetTokens !== undefined) reportUnsupportedSetting(call, warnings, where, 'reasoningBudgetTokens');
    if (call.topLogprobs !== undefined) reportUnsupportedSetting(call, warnings, where, 'topLogprobs');
    return warnings;
  }

  private usage(call: ChatCall, outputTokens: number): Usage {
    return { inputTokens: estimateInputTokens(call.messages), outputTokens, cacheReadInputTokens: 0 };
  }

  private responseInfo(): ResponseInfo {
    return {
      id: `sim-${randomUUID()}`,
      modelId: simulatedModelId(this.modelId),
      created: Math.floor(Date.now() / 1000),
      headers: { ...SIMULATED_HEADERS },
    };
  }
}

function countOutputTokens(content: SimulatedContent): number {
  return content.kind === 'text' ? content.tokens.length : content.outputTokens;
}

function toContentParts(content: SimulatedContent): Array<TextPart | ToolCallPart> {
  if (content.kind === 'tool-calls') {
    return content.toolCalls.map((toolCall) => ({ type: 'tool-call', ...toolCall }));
  }
  return content.text === '' ? [] : [{ type: 'text', text: content.text }];
}
