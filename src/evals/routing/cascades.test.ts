import { describe, expect, it } from 'vitest';
import { answersAgree, normaliseAnswer } from './answer-agreement.js';
import { agreementCascadeOutcomes, combinedOutcomes, JUDGE_OUTPUT_TOKENS, JUDGE_TEMPLATE_TOKENS, judgeCascadeOutcomes, judgeTokens } from './cascades.js';
import { parsePriceList, parseRoutingDataset } from './routing-dataset.js';
import { pairPrompts, goodEnoughRule } from './routing-pair.js';

describe('answer agreement', () => {
  it.each([
    ['$1,000.00', '1000'],
    ['18', ' 18. '],
    ['\\dfrac{1}{2}', '1/2'],
    ['0.5', '\\frac12'],
    ['\\boxed{x=3}', '3'],
    ['45^\\circ', '45'],
  ])('%s agrees with %s', (left, right) => {
    expect(answersAgree(left, right)).toBe(true);
  });

  it.each([
    ['18', '19'],
    ['', ''],
    ['\\sqrt{2}', '1.414'],
  ])('%s does not agree with %s', (left, right) => {
    expect(answersAgree(left, right)).toBe(false);
  });

  it('a missing answer never agrees', () => {
    expect(answersAgree(undefined, '1')).toBe(false);
    expect(normaliseAnswer(' $3,500 ')).toBe('3500');
  });
});

const PRICES = parsePriceList(JSON.stringify({ strong: { input: 10, output: 30 }, weak: { input: 1, output: 1 }, second: { input: 2, output: 2 } }), 'p.json');
const PAIR = { strong: 'strong', weak: 'weak' };

function row(id: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ id, prompt: 'q', split: 'test', prompt_tokens_est: 100, ...fields });
}

describe('agreement cascade', () => {
  const dataset = parseRoutingDataset(
    [
      row('same', {
        models: {
          strong: { quality: 1, output_tokens: 100, extracted_answer: '7' },
          weak: { quality: 1, output_tokens: 100, extracted_answer: '$7' },
          second: { quality: 1, output_tokens: 100, extracted_answer: '7.0' },
        },
      }),
      row('differ', {
        models: {
          strong: { quality: 1, output_tokens: 100, extracted_answer: '7' },
          weak: { quality: 0, output_tokens: 100, extracted_answer: '6' },
          second: { quality: 1, output_tokens: 100, extracted_answer: '7' },
        },
      }),
    ].join('\n'),
    'd.jsonl',
  );
  const prompts = pairPrompts(dataset, dataset.rows, PRICES, PAIR, goodEnoughRule(0));

  it('accepts agreeing answers (both cheap calls paid) and escalates differing ones (all three paid)', () => {
    const [agree, differ] = agreementCascadeOutcomes(prompts, PAIR, 'second', PRICES);
    // weak $200/1M, second $400/1M, strong 100×10 + 100×30 = $4000/1M.
    expect(agree!.strongCalled).toBe(false);
    expect(agree!.quality).toBe(1);
    expect(agree!.cost).toBeCloseTo(600e-6, 12);
    expect(differ!.strongCalled).toBe(true);
    expect(differ!.quality).toBe(1);
    expect(differ!.cost).toBeCloseTo(4600e-6, 12);
  });

  it('combined: below low → weak only, above high → strong only, between → the cascade', () => {
    const cascade = agreementCascadeOutcomes(prompts, PAIR, 'second', PRICES);
    const [low, high] = combinedOutcomes(prompts, [0.1, 0.9], 0.2, 0.8, cascade);
    expect(low).toMatchObject({ strongCalled: false, quality: 1 });
    expect(low!.cost).toBeCloseTo(200e-6, 12);
    expect(high).toMatchObject({ strongCalled: true, quality: 1 });
    expect(high!.cost).toBeCloseTo(4000e-6, 12);
    expect(combinedOutcomes(prompts, [0.5, 0.5], 0.2, 0.8, cascade)).toEqual(cascade);
  });
});

describe('judge cascade', () => {
  const judged = (score: number, template: string, tokens: number) => ({ quality: score / 10, output_tokens: tokens, judge_score_1_to_10: score, judge: ['gpt-4', template] });
  const dataset = parseRoutingDataset(
    [
      row('q1-t1', { question_id: 1, turn: 1, models: { strong: judged(9, 'single-v1', 300), weak: judged(4, 'single-v1', 200) } }),
      row('q1-t2', {
        question_id: 1,
        turn: 2,
        previous_user_turns: ['x'.repeat(40)],
        models: { strong: judged(9, 'single-math-v1-multi-turn', 50), weak: judged(9, 'single-math-v1-multi-turn', 30) },
      }),
    ].join('\n'),
    'd.jsonl',
  );
  const prompts = pairPrompts(dataset, dataset.rows, PRICES, PAIR, goodEnoughRule(0.1));

  it('estimates judge tokens from the template, question(s), weak answer(s) and math reference answers', () => {
    const [first, second] = judgeTokens(prompts, dataset.rows, PAIR);
    expect(first).toEqual({ input: JUDGE_TEMPLATE_TOKENS['single-v1']! + 100 + 200, output: JUDGE_OUTPUT_TOKENS });
    // Turn 2: template + this question + the earlier question (40 chars = 10 tokens) + both weak
    // answers (30 + 200) + the strong answers standing in for the references (50 + 300).
    expect(second).toEqual({ input: JUDGE_TEMPLATE_TOKENS['single-math-v1-multi-turn']! + 100 + 10 + 30 + 200 + 50 + 300, output: JUDGE_OUTPUT_TOKENS });
  });

  it('accepts at or above the threshold, else escalates; the judge is always paid', () => {
    const tokens = [
      { input: 1000, output: 100 },
      { input: 1000, output: 100 },
    ];
    const judgePrice = { input: 30, output: 60 };
    const [escalated, accepted] = judgeCascadeOutcomes(prompts, PAIR, 8, tokens, judgePrice);
    const judgeCost = (1000 * 30 + 100 * 60) / 1e6;
    expect(escalated).toMatchObject({ strongCalled: true, quality: 0.9 });
    expect(escalated!.cost).toBeCloseTo((100 + 200) / 1e6 + judgeCost + (100 * 10 + 300 * 30) / 1e6, 12);
    expect(accepted).toMatchObject({ strongCalled: false, quality: 0.9 });
    expect(accepted!.cost).toBeCloseTo((100 + 30) / 1e6 + judgeCost, 12);
  });
});
