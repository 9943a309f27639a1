import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../spec/errors.js';
import type { ExpectedValue } from '../eval-sets/eval-case-schema.js';
import { createScorer, createScorerResolver } from './create-scorer.js';
import { loadCustomScorer } from './custom-scorer.js';
import { extractFinalNumber } from './numeric-scorer.js';
import type { ScoreResult } from './scorer.js';
import type { ScorerSpecInput } from './scorer-spec.js';

const fixtures = `${dirname(fileURLToPath(import.meta.url))}/__fixtures__`;

async function score(spec: ScorerSpecInput, answer: string, expected?: ExpectedValue): Promise<ScoreResult> {
  const scorer = await createScorer(spec, { baseDirectory: fixtures });
  const evalCase = expected === undefined ? { id: 'c', prompt: 'q', tags: [] } : { id: 'c', prompt: 'q', tags: [], expected };
  return scorer.score({ case: evalCase, answer });
}

const value = (result: ScoreResult): number | string => (result.status === 'scored' ? result.score : `unscored: ${result.reason}`);

describe('exact scorer', () => {
  it('passes equal answers after default normalisation and fails different ones', async () => {
    expect(value(await score({ type: 'exact' }, '  Paris \n', 'Paris'))).toBe(1);
    expect(value(await score({ type: 'exact' }, 'paris', 'Paris'))).toBe(0);
    expect(value(await score({ type: 'exact' }, 'Paris, France', 'Paris'))).toBe(0);
  });
  it('honours case and punctuation options, and numbers as expected', async () => {
    const spec: ScorerSpecInput = { type: 'exact', normalise: { case_sensitive: false, strip_punctuation: true } };
    expect(value(await score(spec, 'PARIS!', 'paris'))).toBe(1);
    expect(value(await score({ type: 'exact' }, '42', 42))).toBe(1);
  });
  it('is unscored without an expected value', async () => {
    expect(value(await score({ type: 'exact' }, 'x'))).toMatch(/^unscored/);
  });
});

describe('contains scorer', () => {
  it('finds the expected text and misses absent text', async () => {
    expect(value(await score({ type: 'contains' }, 'The capital is Paris.', 'Paris'))).toBe(1);
    expect(value(await score({ type: 'contains' }, 'The capital is Lyon.', 'Paris'))).toBe(0);
  });
  it('supports all/any over several values', async () => {
    expect(value(await score({ type: 'contains', values: ['red', 'blue'] }, 'red and green'))).toBe(0);
    expect(value(await score({ type: 'contains', values: ['red', 'blue'], mode: 'any' }, 'red and green'))).toBe(1);
  });
});

describe('regex scorer', () => {
  it('matches the configured pattern with flags', async () => {
    expect(value(await score({ type: 'regex', pattern: '^answer: (yes|no)$', flags: 'im' }, 'Thinking…\nANSWER: Yes'))).toBe(1);
    expect(value(await score({ type: 'regex', pattern: '^answer: (yes|no)$', flags: 'im' }, 'answer: maybe'))).toBe(0);
  });
  it('uses the expected value as pattern and stays stateless with the g flag', async () => {
    const scorer = await createScorer({ type: 'regex', pattern: 'ok', flags: 'g' });
    const input = { case: { id: 'c', prompt: 'q', tags: [] }, answer: 'ok' };
    expect([value(await scorer.score(input)), value(await scorer.score(input))]).toEqual([1, 1]);
    expect(value(await score({ type: 'regex' }, 'id-123', 'id-\\d+'))).toBe(1);
  });
  it('rejects an invalid configured pattern at build time', async () => {
    await expect(createScorer({ type: 'regex', pattern: '(' })).rejects.toThrow('invalid pattern');
  });
});

describe('json_schema scorer', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
  it('passes valid JSON and fails invalid or unparseable answers', async () => {
    expect(value(await score({ type: 'json_schema', schema }, '{"name":"Ann","age":3}'))).toBe(1);
    const wrongType = await score({ type: 'json_schema', schema }, '{"name":"Ann","age":"3"}');
    expect(wrongType).toMatchObject({ status: 'scored', score: 0, detail: { error: expect.stringContaining('integer') } });
    expect(value(await score({ type: 'json_schema', schema }, 'Sure! {"name":"Ann","age":3}'))).toBe(0);
  });
  it('accepts a code fence only when allowed, and takes the schema from expected', async () => {
    const fenced = '```json\n{"name":"Ann","age":3}\n```';
    expect(value(await score({ type: 'json_schema', schema }, fenced))).toBe(0);
    expect(value(await score({ type: 'json_schema', schema, allow_code_fence: true }, fenced))).toBe(1);
    expect(value(await score({ type: 'json_schema' }, '{"name":"Ann","age":3}', schema))).toBe(1);
  });
});

describe('numeric scorer', () => {
  it('extracts the final number', () => {
    expect(extractFinalNumber('3 apples + 4 apples = 7 apples.')).toBe(7);
    expect(extractFinalNumber('Total: $1,234.50')).toBe(1234.5);
    expect(extractFinalNumber('it is −2.5e3')).toBe(-2500);
    expect(extractFinalNumber('pages 5-6')).toBe(6);
    expect(extractFinalNumber('no digits')).toBeUndefined();
  });
  it('passes within tolerance and fails outside it or with no number', async () => {
    expect(value(await score({ type: 'numeric' }, 'The answer is 18.', 18))).toBe(1);
    expect(value(await score({ type: 'numeric' }, 'The answer is 19.', 18))).toBe(0);
    expect(value(await score({ type: 'numeric', absolute_tolerance: 0.01 }, '3.141', '#### 3.14'))).toBe(1);
    expect(value(await score({ type: 'numeric', relative_tolerance: 0.01 }, '1005', 1000))).toBe(1);
    expect(value(await score({ type: 'numeric', relative_tolerance: 0.01 }, '1020', 1000))).toBe(0);
    expect(value(await score({ type: 'numeric' }, 'I cannot tell', 18))).toBe(0);
    expect(value(await score({ type: 'numeric' }, '18', { a: 1 }))).toMatch(/^unscored/);
  });
});

describe('custom scorers', () => {
  it('loads a factory module relative to the set folder and passes options', async () => {
    expect(value(await score({ type: 'custom', module: './length-scorer.ts', options: { max_length: 3 } }, 'abc'))).toBe(1);
    expect(value(await score({ type: 'custom', module: './length-scorer.ts', options: { max_length: 3 } }, 'abcd'))).toBe(0);
  });
  it('records an out-of-range result as unscored, never as a pass', async () => {
    const result = await score({ type: 'custom', module: 'broken-scorer.ts' }, 'x');
    expect(result).toMatchObject({ status: 'unscored', reason: expect.stringContaining('invalid result') });
  });
  it('explains a bad export shape or a missing module', async () => {
    const error = await loadCustomScorer('no-export-scorer.ts', { baseDirectory: fixtures }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('no-export-scorer.ts: export: expected a `default` or `scorer` export');
    await expect(loadCustomScorer('missing.ts', { baseDirectory: fixtures })).rejects.toThrow('cannot import custom scorer');
  });
});

describe('createScorerResolver', () => {
  it('uses the case override, else the default, and shares instances', async () => {
    const resolve = createScorerResolver({ type: 'exact' });
    const defaultScorer = await resolve(undefined);
    expect(defaultScorer.name).toBe('exact');
    expect(await resolve(undefined)).toBe(defaultScorer);
    expect((await resolve({ type: 'regex', pattern: 'x', flags: '' })).name).toBe('regex');
  });
  it('refuses a judge scorer without a judge model', async () => {
    await expect(createScorer({ type: 'judge' })).rejects.toThrow('needs a judge model');
  });
});
