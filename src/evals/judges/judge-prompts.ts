import type { ChatCall } from '../../spec/chat-call.js';
import { evalCaseMessages } from '../eval-sets/eval-case-to-chat-call.js';
import type { ScoreInput } from '../scorers/scorer.js';
import type { JudgeOptions } from './judge-types.js';

/** The conversation the candidate answered, as plain text for the judge. */
export function renderConversation(evalCase: ScoreInput['case']): string {
  return evalCaseMessages(evalCase)
    .map((message) => {
      const text = typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join('');
      return `[${message.role}]\n${text}`;
    })
    .join('\n\n');
}

function renderReference(evalCase: ScoreInput['case']): string {
  if (evalCase.expected === undefined) return '';
  const text = typeof evalCase.expected === 'string' ? evalCase.expected : JSON.stringify(evalCase.expected);
  return `\n\n<reference_answer>\n${text}\n</reference_answer>`;
}

function judgeCall(options: JudgeOptions, system: string, user: string): ChatCall {
  return {
    messages: [
      { role: 'system', content: [{ type: 'text', text: system }] },
      { role: 'user', content: [{ type: 'text', text: user }] },
    ],
    temperature: options.temperature ?? 0,
    maxOutputTokens: options.maxOutputTokens ?? 1024,
  };
}

export const DEFAULT_RUBRIC =
  'Judge how well the answer serves the user: correctness first, then completeness, relevance and clarity. ' +
  '10 = fully correct and helpful; 7 = correct with minor gaps; 4 = partly correct or unhelpful; 1 = wrong or harmful.';

export function pointwisePrompt(options: JudgeOptions, rubric: string, evalCase: ScoreInput['case'], answer: string): ChatCall {
  const criteria = evalCase.criteria === undefined ? '' : `\n\nCase-specific criteria:\n${evalCase.criteria}`;
  const system =
    'You are an impartial evaluator. Grade the answer against the rubric.\n\n' +
    `Rubric:\n${rubric}${criteria}\n\n` +
    'Reply with exactly one JSON object and nothing else: {"reasoning": "<one short paragraph>", "score": <integer 1-10>}';
  const user = `<conversation>\n${renderConversation(evalCase)}\n</conversation>${renderReference(evalCase)}\n\n<answer>\n${answer}\n</answer>`;
  return judgeCall(options, system, user);
}

export function pairwisePrompt(options: JudgeOptions, rubric: string, evalCase: ScoreInput['case'], first: string, second: string): ChatCall {
  const criteria = evalCase.criteria === undefined ? '' : `\n\nCase-specific criteria:\n${evalCase.criteria}`;
  const system =
    'You are an impartial evaluator comparing two answers to the same conversation. Do not let the order of ' +
    'the answers, their length or their style influence you.\n\n' +
    `Criteria:\n${rubric}${criteria}\n\n` +
    'Reply with exactly one JSON object and nothing else: {"reasoning": "<one short paragraph>", "winner": "A" | "B" | "tie"}';
  const user =
    `<conversation>\n${renderConversation(evalCase)}\n</conversation>${renderReference(evalCase)}\n\n` +
    `<answer_A>\n${first}\n</answer_A>\n\n<answer_B>\n${second}\n</answer_B>`;
  return judgeCall(options, system, user);
}
