import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../spec/errors.js';
import { evalCaseToChatCall } from './eval-case-to-chat-call.js';
import { loadEvalSet, parseEvalSetLines, readEvalSet } from './load-eval-set.js';

async function writeSet(lines: string[]): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'eval-set-'));
  const file = join(directory, 'set.jsonl');
  await writeFile(file, lines.join('\n'));
  return file;
}

describe('loadEvalSet', () => {
  it('loads messages and prompt cases with defaults and line numbers', async () => {
    const file = await writeSet([
      JSON.stringify({ id: 'a', prompt: 'What is 2+2?', expected: 4, tags: ['math'] }),
      '',
      JSON.stringify({
        id: 'b',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] },
        ],
        expected: 'Paris',
        scorer: { type: 'exact', normalise: { case_sensitive: false } },
      }),
    ]);
    const cases = await loadEvalSet(file);
    expect(cases.map((evalCase) => [evalCase.id, evalCase.line])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    expect(cases[1]?.tags).toEqual([]);
    expect(cases[1]?.scorer).toEqual({
      type: 'exact',
      normalise: { trim: true, collapse_whitespace: true, case_sensitive: false, strip_punctuation: false },
    });
  });

  it('reports every bad line as file:line: field: problem, including duplicate ids', async () => {
    const file = await writeSet([
      JSON.stringify({ id: 'a', prompt: 'x' }),
      '{ not json',
      JSON.stringify({ id: 'b', messages: [{ role: 'robot', content: 'hi' }] }),
      JSON.stringify({ id: 'a', prompt: 'again' }),
      JSON.stringify({ id: 'c' }),
      JSON.stringify({ id: 'd', prompt: 'x', scorer: { type: 'regex', patern: 'x' } }),
    ]);
    const error = await loadEvalSet(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`${file}:2: (root): invalid JSON`);
    expect(message).toContain(`${file}:3: messages[0].role:`);
    expect(message).toContain(`${file}:4: id: duplicate id "a" (first used on line 1)`);
    expect(message).toContain(`${file}:5: messages: one of \`messages\` or \`prompt\` is required`);
    expect(message).toContain(`${file}:6: scorer`);
    const result = await readEvalSet(file);
    expect(result.cases.map((evalCase) => evalCase.id)).toEqual(['a']);
    expect(new Set(result.issues.map((issue) => issue.line))).toEqual(new Set([2, 3, 4, 5, 6]));
  });

  it('rejects both messages and prompt, and an empty set', async () => {
    const both = await parseEvalSetLines([JSON.stringify({ id: 'x', prompt: 'p', messages: [{ role: 'user', content: 'q' }] })], 'f.jsonl');
    expect(both.issues[0]).toMatchObject({ line: 1, path: 'prompt' });
    const empty = await parseEvalSetLines(['', '  '], 'f.jsonl');
    expect(empty.issues[0]?.message).toBe('the eval set has no cases');
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadEvalSet('/nonexistent/set.jsonl')).rejects.toThrow('/nonexistent/set.jsonl: (root): cannot read eval set');
  });
});

describe('evalCaseToChatCall', () => {
  it('converts the prompt shorthand and OpenAI messages to a ChatCall with runner settings', () => {
    expect(evalCaseToChatCall({ prompt: 'hi' }, { temperature: 0 })).toEqual({
      temperature: 0,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
    const call = evalCaseToChatCall({
      messages: [
        { role: 'developer', content: 'rules' },
        { role: 'user', content: 'q', name: 'ann' },
        { role: 'assistant', content: 'a' },
      ],
    });
    expect(call.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'rules' }] },
      { role: 'user', content: [{ type: 'text', text: 'q' }], name: 'ann' },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }] },
    ]);
  });
});
