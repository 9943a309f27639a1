import { Ajv } from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import type { ChatCall, ResponseFormat } from '../../../../spec/chat-call.js';
import type { ChatResult, TokenLogprob } from '../../../../spec/chat-result.js';
import type { FinishReason } from '../../../../spec/finish-reason.js';
import { answerText, type CascadeCheck, type CascadeCheckContext, type CheckVerdict } from '../cascade-check.js';
import { jsonSchemaCheck } from './json-schema-check.js';
import { meanLogprobCheck } from './mean-logprob-check.js';
import { regexCheck } from './regex-check.js';
import { requiredFieldsCheck } from './required-fields-check.js';

function result(text: string, extra: { logprobs?: TokenLogprob[]; finishReason?: FinishReason } = {}): ChatResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: extra.finishReason ?? { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 10, outputTokens: 5 },
    response: {},
    warnings: [],
    ...(extra.logprobs ? { logprobs: extra.logprobs } : {}),
  };
}

function run(check: CascadeCheck, answer: ChatResult, call: Partial<ChatCall> = {}): CheckVerdict | Promise<CheckVerdict> {
  const context: CascadeCheckContext = {
    call: { messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }], ...call },
    result: answer,
    text: answerText(answer),
    model: 'small',
    tier: 0,
    ask: () => Promise.reject(new Error('local checks call no model')),
  };
  return check.run(context);
}

const personSchema: ResponseFormat = {
  type: 'json-schema',
  name: 'person',
  schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'], additionalProperties: false },
};

describe('json_schema', () => {
  const check = jsonSchemaCheck();

  it('passes an answer that matches the request schema', () => {
    expect(run(check, result('{"name":"Ada","age":36}'), { responseFormat: personSchema })).toEqual({ pass: true });
  });

  it('fails an answer that breaks the schema, saying where', () => {
    expect(run(check, result('{"name":"Ada","age":-1}'), { responseFormat: personSchema })).toEqual({
      pass: false,
      reason: "answer does not match schema 'person': at /age must be >= 0",
    });
    expect(run(check, result('{"name":"Ada"}'), { responseFormat: personSchema })).toMatchObject({ pass: false, reason: expect.stringContaining("must have required property 'age'") });
  });

  it('fails an answer that is not JSON at all, fenced JSON included', () => {
    expect(run(check, result('Sure! {"name":"Ada","age":36}'), { responseFormat: personSchema })).toMatchObject({ pass: false, reason: expect.stringContaining('not valid JSON') });
    expect(run(check, result('```json\n{"name":"Ada","age":36}\n```'), { responseFormat: personSchema })).toMatchObject({ pass: false });
    expect(run(check, result(''), { responseFormat: personSchema })).toEqual({ pass: false, reason: 'answer is empty, expected JSON' });
  });

  it('only needs JSON for a json_object format, and passes requests that asked for no JSON', () => {
    expect(run(check, result('[1, 2]'), { responseFormat: { type: 'json' } })).toEqual({ pass: true });
    expect(run(check, result('{oops'), { responseFormat: { type: 'json' } })).toMatchObject({ pass: false });
    expect(run(check, result('plain prose'), {})).toEqual({ pass: true });
    expect(run(check, result('plain prose'), { responseFormat: { type: 'text' } })).toEqual({ pass: true });
  });

  it('reports a schema that does not compile as unavailable', () => {
    const broken: ResponseFormat = { type: 'json-schema', name: 'broken', schema: { type: 'object', properties: { a: { type: 'no-such-type' } } } };
    expect(run(check, result('{"a":1}'), { responseFormat: broken })).toMatchObject({ pass: false, unavailable: true, reason: expect.stringContaining("schema 'broken' does not compile") });
  });

  it('compiles a schema once, however many requests send it', () => {
    const compile = vi.spyOn(Ajv.prototype, 'compile');
    const fresh = jsonSchemaCheck();
    // Each request parses its own copy of the schema: the cache must key on content, not identity.
    for (let index = 0; index < 20; index++) run(fresh, result('{"name":"Ada","age":36}'), { responseFormat: structuredClone(personSchema) });
    expect(compile).toHaveBeenCalledTimes(1);
    compile.mockRestore();
  });
});

describe('required_fields', () => {
  const check = requiredFieldsCheck(['answer', 'confidence']);

  it('passes when every field is present and not null', () => {
    expect(run(check, result('{"answer": 42, "confidence": 0.9, "extra": null}'))).toEqual({ pass: true });
    expect(run(check, result('{"answer": false, "confidence": 0}'))).toEqual({ pass: true });
  });

  it('fails missing or null fields, naming them, and answers that are not JSON objects', () => {
    expect(run(check, result('{"answer": 42}'))).toEqual({ pass: false, reason: "answer lacks required field 'confidence'" });
    expect(run(check, result('{"answer": null}'))).toEqual({ pass: false, reason: "answer lacks required fields 'answer', 'confidence'" });
    expect(run(check, result('[{"answer": 1, "confidence": 1}]'))).toEqual({ pass: false, reason: 'answer is not a JSON object' });
    expect(run(check, result('answer: 42'))).toMatchObject({ pass: false, reason: expect.stringContaining('not valid JSON') });
  });
});

describe('regex', () => {
  it('passes a matching answer and fails one that does not match', () => {
    const check = regexCheck('^\\s*ANSWER:', 'i');
    expect(run(check, result('  answer: 12'))).toEqual({ pass: true });
    expect(run(check, result('The answer is 12'))).toEqual({ pass: false, reason: 'answer "The answer is 12" does not match /^\\s*ANSWER:/i' });
  });

  it('gives the same verdict on every call (no lastIndex state)', () => {
    const check = regexCheck('\\d+');
    expect([run(check, result('12')), run(check, result('12')), run(check, result('12'))]).toEqual([{ pass: true }, { pass: true }, { pass: true }]);
  });
});

describe('min_mean_logprob', () => {
  const tokens = (...values: number[]): TokenLogprob[] => values.map((logprob, index) => ({ token: `t${index}`, logprob }));

  it('passes a confident answer and fails an unsure one', () => {
    const check = meanLogprobCheck(-0.35, 'escalate');
    expect(run(check, result('x', { logprobs: tokens(-0.1, -0.2, -0.3) }))).toEqual({ pass: true });
    expect(run(check, result('x', { logprobs: tokens(-0.1, -0.2, -1.5) }))).toEqual({ pass: false, reason: 'mean logprob -0.600 < -0.35 over 3 tokens' });
    // Exactly at the threshold is accepted.
    expect(run(check, result('x', { logprobs: tokens(-0.35) }))).toEqual({ pass: true });
  });

  it('treats missing logprobs as unavailable: escalate by default, or pass when configured', () => {
    expect(run(meanLogprobCheck(-0.35, 'escalate'), result('x'))).toEqual({ pass: false, reason: 'no logprobs returned by the provider', unavailable: true });
    expect(run(meanLogprobCheck(-0.35, 'escalate'), result('x', { logprobs: [] }))).toMatchObject({ pass: false, unavailable: true });
    expect(run(meanLogprobCheck(-0.35, 'pass'), result('x'))).toEqual({ pass: true });
  });

  it('ignores non-finite values', () => {
    expect(run(meanLogprobCheck(-0.35, 'escalate'), result('x', { logprobs: tokens(-0.1, Number.NEGATIVE_INFINITY) }))).toEqual({ pass: true });
  });

  it('asks the cascade for logprobs', () => {
    expect(meanLogprobCheck(-1, 'pass').needsLogprobs).toBe(true);
  });
});
