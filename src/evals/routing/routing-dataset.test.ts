import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../spec/errors.js';
import { answerCost, checkModel, loadPriceList, loadRoutingDataset, parsePriceList, parseRoutingDataset, rowsOfSplit } from './routing-dataset.js';
import { defaultGoodEnoughRule, pairPrompts } from './routing-pair.js';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    id: 'a',
    prompt: 'What is 2+2?',
    split: 'train',
    prompt_tokens_est: 100,
    models: { big: { quality: 1, output_tokens: 10 }, small: { quality: 0, output_tokens: 20, extracted_answer: 5 } },
    ...fields,
  });

const PRICES = parsePriceList(JSON.stringify({ _note: 'x', big: { input: 10, output: 30 }, small: { input: 1, output: 2 } }), 'prices.json');

describe('parseRoutingDataset', () => {
  it('reads rows, models, splits and the hash', () => {
    const dataset = parseRoutingDataset(`${line({})}\n\n${line({ id: 'b', split: 'test', previous_user_turns: ['hi'] })}\n`, 'd.jsonl');
    expect(dataset.rows.map((row) => [row.id, row.line, row.split])).toEqual([
      ['a', 1, 'train'],
      ['b', 3, 'test'],
    ]);
    expect(dataset.models).toEqual(['big', 'small']);
    expect(dataset.rows[1]!.previousTurns).toEqual(['hi']);
    expect(dataset.rows[0]!.models.get('small')).toEqual({ quality: 0, outputTokens: 20, extractedAnswer: '5' });
    expect(dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rowsOfSplit(dataset, 'test').map((row) => row.id)).toEqual(['b']);
  });

  it.each([
    ['{not json', /^d\.jsonl:2: not valid JSON/],
    [line({ split: 'dev' }), /^d\.jsonl:2: split: /],
    [line({ models: { big: { quality: 1.5, output_tokens: 1 } } }), /^d\.jsonl:2: models\.big\.quality: /],
    [line({ models: { big: { quality: 1 } } }), /^d\.jsonl:2: models\.big\.output_tokens: /],
    [line({ prompt_tokens_est: undefined }), /^d\.jsonl:2: prompt_tokens_est: /],
    [line({}), /^d\.jsonl:2: id: 'a' repeats line 1$/],
  ])('names file:line and the field for a bad line (%s)', (bad, message) => {
    const parse = () => parseRoutingDataset(`${line({})}\n${bad}\n`, 'd.jsonl');
    expect(parse).toThrow(InvalidRequestError);
    expect(parse).toThrow(message);
  });

  it('refuses an empty file', () => {
    expect(() => parseRoutingDataset('\n', 'empty.jsonl')).toThrow('empty.jsonl: no rows');
  });
});

describe('models and prices', () => {
  const dataset = parseRoutingDataset(`${line({})}\n${line({ id: 'b', models: { big: { quality: 1, output_tokens: 10 } } })}\n`, 'd.jsonl');

  it('an unknown model lists the models present', () => {
    expect(() => checkModel(dataset, PRICES, 'gpt-5', '--strong')).toThrow("--strong: model 'gpt-5' is not in d.jsonl; models present: big, small");
  });

  it('a model missing from a row names the line', () => {
    expect(() => checkModel(dataset, PRICES, 'small', '--weak')).toThrow("d.jsonl:2: models: no answer from 'small' (--weak)");
  });

  it('an unpriced model lists the priced ones', () => {
    expect(() => checkModel(dataset, parsePriceList('{"small": {"input": 1, "output": 1}}', 'p.json'), 'big', '--strong')).toThrow(
      "--strong: model 'big' has no price in the prices file; priced: small",
    );
  });

  it('cost = prompt tokens × input price + output tokens × output price, per 1M', () => {
    const row = dataset.rows[0]!;
    expect(answerCost(row, 'big', PRICES)).toBeCloseTo((100 * 10 + 10 * 30) / 1e6, 15);
    expect(answerCost(row, 'small', PRICES)).toBeCloseTo((100 * 1 + 20 * 2) / 1e6, 15);
  });

  it('prices: the _note is skipped; a bad entry names its field', () => {
    expect([...PRICES.keys()]).toEqual(['big', 'small']);
    expect(() => parsePriceList('{"big": {"input": -1, "output": 1}}', 'p.json')).toThrow(/^p\.json: big/);
  });

  it('a missing file says so', async () => {
    await expect(loadRoutingDataset('/nonexistent/d.jsonl')).rejects.toThrow('data file /nonexistent/d.jsonl: no such file');
  });
});

describe('the real-data slices', () => {
  it('GSM8K: 0/1 labels, "good enough" = weak right or both wrong', async () => {
    const [dataset, prices] = await Promise.all([loadRoutingDataset(fixture('gsm8k-slice.jsonl')), loadPriceList(fixture('prices.json'))]);
    const pair = { strong: 'gpt-4o-2024-05-13', weak: 'Meta-Llama-3-8B-Instruct' };
    const rule = defaultGoodEnoughRule(dataset, pair);
    expect(rule.margin).toBe(0);
    const prompts = pairPrompts(dataset, dataset.rows, prices, pair, rule);
    for (const prompt of prompts) expect(prompt.goodEnough).toBe(prompt.weakQuality === 1 || prompt.strongQuality === 0);
    expect(prompts.some((prompt) => !prompt.goodEnough)).toBe(true);
  });

  it('MT-Bench: judge scores give a one-point margin', async () => {
    const dataset = await loadRoutingDataset(fixture('mtbench-slice.jsonl'));
    const rule = defaultGoodEnoughRule(dataset, { strong: 'gpt-4-1106-preview', weak: 'Mixtral-8x7B-Instruct-v0.1' });
    expect(rule.margin).toBe(0.1);
    expect(dataset.rows[1]).toMatchObject({ questionId: '81', turn: 2 });
    expect(dataset.rows[0]!.models.get('Mixtral-8x7B-Instruct-v0.1')).toMatchObject({ judgeTemplate: 'single-v1' });
  });
});
