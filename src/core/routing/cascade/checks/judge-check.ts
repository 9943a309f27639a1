import type { ChatCall, ChatMessage } from '../../../../spec/chat-call.js';
import type { CascadeCheck, CascadeCheckContext, CheckVerdict } from '../cascade-check.js';
import { answerText, quoteForReason } from '../cascade-check.js';

export interface JudgeSettings {
  model: string;
  /** Lowest score accepted, 1–10. */
  minScore: number;
  rubric?: string;
  maxOutputTokens: number;
}

/**
 * A judge reply that is a score and nothing else: `7`, `7/10`, `7 out of 10`, `Score: 7`, with an
 * optional full stop. Anything longer is malformed rather than mined for a digit, since "1 to 10"
 * or "3 reasons" would be misread as scores.
 */
const SCORE = /^\s*(?:score\s*[:=]?\s*)?(10|[1-9])(?:\s*(?:\/|out of)\s*10)?\s*[.!]?\s*$/i;

/** The score in a judge's reply, or undefined when the reply is not just a score. */
export function parseJudgeScore(reply: string): number | undefined {
  const match = SCORE.exec(reply);
  return match ? Number(match[1]) : undefined;
}

/**
 * `judge`: a judge model rates the answer from 1 to 10 and the answer passes at `minScore` or
 * above. A malformed reply is asked again once; a second one leaves the answer unscored, which
 * escalates (an answer nobody vouched for is not accepted). The judge answers at temperature 0 with
 * a few output tokens, and its calls are recorded as check attempts so their cost is counted.
 */
export function judgeCheck(settings: JudgeSettings): CascadeCheck {
  const instructions =
    'You are a strict grader. Rate how well the ANSWER responds to the CONVERSATION, from 1 (wrong, ' +
    'unhelpful or a refusal) to 10 (correct, complete and helpful).' +
    (settings.rubric === undefined ? '' : `\nWhat a good answer looks like: ${settings.rubric}`) +
    '\nReply with the integer score alone, nothing else.';
  return {
    kind: 'judge',
    callsModel: true,
    async run(context: CascadeCheckContext): Promise<CheckVerdict> {
      const call: ChatCall = {
        messages: [
          { role: 'system', content: [{ type: 'text', text: instructions }] },
          { role: 'user', content: [{ type: 'text', text: judgePrompt(context.call.messages, context.text) }] },
        ],
        temperature: 0,
        maxOutputTokens: settings.maxOutputTokens,
      };
      let reply = '';
      for (let tries = 0; tries < 2; tries++) {
        const execution = await context.ask(settings.model, call);
        reply = answerText(execution.result);
        const score = parseJudgeScore(reply);
        if (score === undefined) continue;
        if (score >= settings.minScore) return { pass: true };
        return { pass: false, reason: `judge ${settings.model} scored ${score} < ${settings.minScore}` };
      }
      return { pass: false, reason: `judge ${settings.model} gave no score (twice); last reply ${quoteForReason(reply, 40)}`, unavailable: true };
    },
  };
}

/** The conversation and the answer as one text for the judge; images and tool traffic are summarised. */
export function judgePrompt(messages: readonly ChatMessage[], answer: string): string {
  const lines = messages.map((message) => `${message.role.toUpperCase()}: ${messageText(message)}`);
  return `<conversation>\n${lines.join('\n\n')}\n</conversation>\n\n<answer>\n${answer}\n</answer>\n\nScore (1-10):`;
}

function messageText(message: ChatMessage): string {
  return message.content
    .map((part) => {
      switch (part.type) {
        case 'text':
          return part.text;
        case 'reasoning':
          // The model's earlier thinking is not part of what the user saw.
          return '';
        case 'image':
          return '[image]';
        case 'tool-call':
          return `[calls tool ${part.toolName} with ${part.input}]`;
        case 'tool-result':
          return `[tool result: ${part.output}]`;
      }
    })
    .filter((text) => text !== '')
    .join('\n');
}
