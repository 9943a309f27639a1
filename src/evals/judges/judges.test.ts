import { describe, expect, it } from 'vitest';
import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { createPairwiseJudge } from './pairwise-judge.js';
import { parsePairwiseVerdict, parsePointwiseVerdict } from './parse-judge-output.js';
import { createPointwiseJudge } from './pointwise-judge.js';
import type { AskModel } from './judge-types.js';

function reply(text: string): ChatResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 10, outputTokens: 5 },
    response: {},
    warnings: [],
  };
}

/** A fake judge that answers from a script, recording each call. */
function scripted(replies: string[]): { ask: AskModel; calls: Array<{ model: string; call: ChatCall }> } {
  const calls: Array<{ model: string; call: ChatCall }> = [];
  return {
    calls,
    ask: async (model, call) => {
      calls.push({ model, call });
      const next = replies.shift();
      if (next === undefined) throw new Error('script exhausted');
      return reply(next);
    },
  };
}

const evalCase = { id: 'c1', prompt: 'What is 2+2?', expected: '4', criteria: 'Must say 4.', tags: [] };
const userText = (call: ChatCall | undefined): string => {
  const part = call?.messages[1]?.content[0];
  return part !== undefined && part.type === 'text' ? part.text : '';
};

describe('judge output parsing', () => {
  it('accepts exactly one JSON object, optionally fenced', () => {
    expect(parsePointwiseVerdict('{"reasoning":"fine","score":8}')).toEqual({ ok: true, value: { reasoning: 'fine', score: 8 } });
    expect(parsePointwiseVerdict('```json\n{"reasoning":"fine","score":8}\n```').ok).toBe(true);
    expect(parsePairwiseVerdict('{"reasoning":"r","winner":"B"}')).toEqual({ ok: true, value: { reasoning: 'r', winner: 'B' } });
  });
  it('rejects prose around JSON, out-of-range or fractional scores, extra keys and unknown winners', () => {
    expect(parsePointwiseVerdict('Score: {"reasoning":"x","score":8}').ok).toBe(false);
    expect(parsePointwiseVerdict('{"reasoning":"x","score":11}').ok).toBe(false);
    expect(parsePointwiseVerdict('{"reasoning":"x","score":7.5}').ok).toBe(false);
    expect(parsePointwiseVerdict('{"reasoning":"x","score":"8"}').ok).toBe(false);
    expect(parsePointwiseVerdict('{"reasoning":"x","score":8,"pass":true}').ok).toBe(false);
    expect(parsePointwiseVerdict('').ok).toBe(false);
    expect(parsePairwiseVerdict('{"reasoning":"x","winner":"C"}').ok).toBe(false);
  });
});

describe('pointwise judge', () => {
  it('maps the 1–10 score onto [0, 1] and sends the rubric, criteria, reference and answer', async () => {
    const fake = scripted(['{"reasoning":"correct","score":10}']);
    const judge = createPointwiseJudge({ ask: fake.ask, model: 'judge-model', rubric: 'Be strict.' });
    const result = await judge.score({ case: evalCase, answer: 'It is 4.' });
    expect(result).toMatchObject({ status: 'scored', score: 1, detail: { rubricScore: 10, attempts: 1 } });
    expect(fake.calls[0]?.model).toBe('judge-model');
    const system = fake.calls[0]?.call.messages[0]?.content[0];
    expect(system?.type === 'text' ? system.text : '').toContain('Be strict.');
    expect(system?.type === 'text' ? system.text : '').toContain('Must say 4.');
    expect(userText(fake.calls[0]?.call)).toContain('<answer>\nIt is 4.\n</answer>');
    expect(userText(fake.calls[0]?.call)).toContain('<reference_answer>\n4\n</reference_answer>');
    expect(fake.calls[0]?.call.temperature).toBe(0);
  });
  it('retries a malformed reply once and then scores', async () => {
    const fake = scripted(['I think it deserves an 8', '{"reasoning":"ok","score":1}']);
    const result = await createPointwiseJudge({ ask: fake.ask, model: 'j' }).score({ case: evalCase, answer: '5' });
    expect(result).toMatchObject({ status: 'scored', score: 0, detail: { attempts: 2 } });
  });
  it('records a reply still malformed after the retries as unscored, never a pass', async () => {
    const fake = scripted(['SCORE: 10', '{"score":10}', 'unused']);
    const result = await createPointwiseJudge({ ask: fake.ask, model: 'j' }).score({ case: evalCase, answer: '4' });
    expect(result).toMatchObject({ status: 'unscored', reason: expect.stringContaining('malformed judge reply after 2 attempt(s)') });
    expect(fake.calls).toHaveLength(2);
  });
  it('honours a configured retry count, and a failed call is unscored', async () => {
    const fake = scripted(['x', 'y', 'z', '{"reasoning":"r","score":5}']);
    const result = await createPointwiseJudge({ ask: fake.ask, model: 'j', malformedRetries: 3 }).score({ case: evalCase, answer: '4' });
    expect(result).toMatchObject({ status: 'scored', score: 4 / 9 });
    const failing = await createPointwiseJudge({ ask: scripted([]).ask, model: 'j' }).score({ case: evalCase, answer: '4' });
    expect(failing).toMatchObject({ status: 'unscored', reason: 'judge call failed: script exhausted' });
  });
});

describe('pairwise judge', () => {
  /** A judge that always prefers whichever answer contains `good`, regardless of position. */
  const fair: AskModel = async (_model, call) => {
    const text = userText(call);
    const first = /<answer_A>\n([\s\S]*?)\n<\/answer_A>/.exec(text)?.[1] ?? '';
    const second = /<answer_B>\n([\s\S]*?)\n<\/answer_B>/.exec(text)?.[1] ?? '';
    const winner = first.includes('good') === second.includes('good') ? 'tie' : first.includes('good') ? 'A' : 'B';
    return reply(JSON.stringify({ reasoning: 'r', winner }));
  };
  /** A judge that always picks the first answer shown: pure position bias. */
  const biased: AskModel = async () => reply('{"reasoning":"first looks fine","winner":"A"}');

  it('keeps a verdict that survives the swap, for either answer', async () => {
    const judge = createPairwiseJudge({ ask: fair, model: 'j' });
    expect(await judge.compare({ case: evalCase, answerA: 'good', answerB: 'bad' })).toMatchObject({
      status: 'judged',
      winner: 'a',
      scoreA: 1,
      consistent: true,
      verdicts: ['a', 'a'],
    });
    expect(await judge.compare({ case: evalCase, answerA: 'bad', answerB: 'good' })).toMatchObject({ winner: 'b', scoreA: 0 });
  });
  it('turns position bias into a tie', async () => {
    const result = await createPairwiseJudge({ ask: biased, model: 'j' }).compare({ case: evalCase, answerA: 'x', answerB: 'y' });
    expect(result).toMatchObject({ status: 'judged', winner: 'tie', scoreA: 0.5, consistent: false, verdicts: ['a', 'b'] });
  });
  it('shows each answer in both positions', async () => {
    const fake = scripted(['{"reasoning":"r","winner":"tie"}', '{"reasoning":"r","winner":"tie"}']);
    await createPairwiseJudge({ ask: fake.ask, model: 'j' }).compare({ case: evalCase, answerA: 'ALPHA', answerB: 'BETA' });
    const texts = fake.calls.map((entry) => userText(entry.call));
    expect(texts.some((text) => text.indexOf('ALPHA') < text.indexOf('BETA'))).toBe(true);
    expect(texts.some((text) => text.indexOf('BETA') < text.indexOf('ALPHA'))).toBe(true);
  });
  it('is unjudged when one order stays malformed', async () => {
    const halfBroken: AskModel = async (_model, call) =>
      userText(call).indexOf('ALPHA') < userText(call).indexOf('BETA') ? reply('{"reasoning":"r","winner":"A"}') : reply('A is better');
    const result = await createPairwiseJudge({ ask: halfBroken, model: 'j' }).compare({ case: evalCase, answerA: 'ALPHA', answerB: 'BETA' });
    expect(result).toMatchObject({ status: 'unjudged', reason: expect.stringContaining('B-first order: malformed judge reply') });
  });
});
