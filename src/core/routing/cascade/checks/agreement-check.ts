import type { ChatCall } from '../../../../spec/chat-call.js';
import type { ChatResult } from '../../../../spec/chat-result.js';
import type { CascadeCheck, CheckVerdict } from '../cascade-check.js';
import { answerText, quoteForReason } from '../cascade-check.js';
import { extractFinalAnswer, normalizeText } from './final-answer.js';
import { merged } from '../../../../spec/merged.js';

export interface AgreementSettings {
  /** Answers compared, the tier's own included. */
  samples: number;
  /** Model drawing the extra samples; default: the tier's own. */
  model?: string;
  compare: 'final_answer' | 'exact' | 'normalized_text';
  temperature: number;
}

/**
 * `agreement`: `samples - 1` more answers to the same request (from the tier's model at
 * `temperature`, or from another cheap model) must each agree with the tier's answer. Two models
 * that reach the same final answer independently are rarely both wrong, which is what makes this
 * a good escalation signal on maths-like tasks. The extra samples run in parallel, through the
 * executor, and are recorded as check attempts.
 */
export function agreementCheck(settings: AgreementSettings): CascadeCheck {
  const keyOf = comparisonKey(settings.compare);
  return {
    kind: 'agreement',
    callsModel: true,
    async run(context): Promise<CheckVerdict> {
      const model = settings.model ?? context.model;
      const call = sampleCall(context.call, settings.temperature);
      const reference = keyOf(context.result, context.text);
      const others = await Promise.all(Array.from({ length: settings.samples - 1 }, () => context.ask(model, call)));
      for (const other of others) {
        const key = keyOf(other.result, answerText(other.result));
        if (key !== reference) {
          return { pass: false, reason: `${model} sample disagrees (${settings.compare}): ${quoteForReason(key, 30)} vs ${quoteForReason(reference, 30)}` };
        }
      }
      return { pass: true };
    },
  };
}

/** The request again, sampled: no logprobs (not needed) and the check's temperature. */
function sampleCall(call: ChatCall, temperature: number): ChatCall {
  const { logprobs: _logprobs, topLogprobs: _topLogprobs, abortSignal: _abortSignal, ...rest } = call;
  return merged(rest, { temperature });
}

/** What two answers are compared on; tool-call-only answers compare their calls. */
function comparisonKey(compare: AgreementSettings['compare']): (result: ChatResult, text: string) => string {
  return (result, text) => {
    const content = text !== '' ? text : toolCallsText(result);
    switch (compare) {
      case 'exact':
        return content.trim();
      case 'normalized_text':
        return normalizeText(content);
      case 'final_answer':
        return extractFinalAnswer(content).value;
    }
  };
}

function toolCallsText(result: ChatResult): string {
  return result.content.flatMap((part) => (part.type === 'tool-call' ? [`${part.toolName}(${part.input})`] : [])).join('\n');
}
