import { describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, runtimeWithFakes, type FakeAdapter, type FakeStep } from '../../../../../test/support/fake-adapter.js';
import type { ChatCall } from '../../../../spec/chat-call.js';
import type { ChatResult } from '../../../../spec/chat-result.js';
import { ProviderApiError } from '../../../../spec/errors.js';
import { executeGenerate } from '../../../pipeline/execute.js';
import { resolveRoute } from '../../resolve-route.js';
import type { CascadeCheck, CascadeCheckContext } from '../cascade-check.js';
import { agreementCheck } from './agreement-check.js';
import { judgeCheck, judgePrompt, parseJudgeScore } from './judge-check.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
  j: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  small: { deployments: [{ provider: a, model: small }] }
  other: { deployments: [{ provider: b, model: other }] }
  judge: { deployments: [{ provider: j, model: judge }] }
`;

function setup(steps: { small?: FakeStep[]; other?: FakeStep[]; judge?: FakeStep[] }) {
  const fakes: Record<string, FakeAdapter> = {
    'a/small': createFakeAdapter('a/small', steps.small ?? [{ kind: 'answer', text: 'unused' }]),
    'b/other': createFakeAdapter('b/other', steps.other ?? [{ kind: 'answer', text: 'unused' }]),
    'j/judge': createFakeAdapter('j/judge', steps.judge ?? [{ kind: 'answer', text: 'unused' }]),
  };
  const runtime = runtimeWithFakes(YAML, fakes);
  const run = (check: CascadeCheck, answer: string, call: ChatCall = chatCall('What is 16 - 3 - 4, doubled?')) => {
    const result: ChatResult = { content: [{ type: 'text', text: answer }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 10, outputTokens: 5 }, response: {}, warnings: [] };
    const context: CascadeCheckContext = {
      call,
      result,
      text: answer,
      model: 'small',
      tier: 0,
      ask: (model, askCall) => executeGenerate(runtime, resolveRoute(runtime, { model, kind: 'chat' }), askCall),
    };
    return check.run(context);
  };
  return { fakes, run };
}

describe('agreement', () => {
  it('passes when another model reaches the same final answer in other words', async () => {
    const { fakes, run } = setup({ other: [{ kind: 'answer', text: '16 - 7 = 9 eggs; 9 × 2 = 18.00' }] });
    const check = agreementCheck({ samples: 2, model: 'other', compare: 'final_answer', temperature: 0.7 });
    expect(await run(check, 'She makes $18.')).toEqual({ pass: true });
    expect(fakes['b/other']!.calls).toHaveLength(1);
    // The sample is the same request, at the check's temperature.
    expect(fakes['b/other']!.calls[0]).toMatchObject({ temperature: 0.7, messages: chatCall('What is 16 - 3 - 4, doubled?').messages });
  });

  it('fails when the sample disagrees, quoting both final answers', async () => {
    const { run } = setup({ other: [{ kind: 'answer', text: 'The result is 20.' }] });
    const check = agreementCheck({ samples: 2, model: 'other', compare: 'final_answer', temperature: 0.7 });
    expect(await run(check, 'She makes $18.')).toEqual({ pass: false, reason: 'other sample disagrees (final_answer): "20" vs "18"' });
  });

  it("samples the tier's own model by default, as many times as asked, and needs every sample to agree", async () => {
    const { fakes, run } = setup({ small: [{ kind: 'answer', text: '18' }, { kind: 'answer', text: '17' }] });
    const check = agreementCheck({ samples: 3, compare: 'final_answer', temperature: 1 });
    expect(await run(check, 'It is 18')).toMatchObject({ pass: false, reason: expect.stringContaining('"17" vs "18"') });
    expect(fakes['a/small']!.calls).toHaveLength(2);
    expect(fakes['b/other']!.calls).toHaveLength(0);
  });

  it('compares whole texts in exact and normalized_text modes', async () => {
    const exact = agreementCheck({ samples: 2, model: 'other', compare: 'exact', temperature: 0.7 });
    const normalized = agreementCheck({ samples: 2, model: 'other', compare: 'normalized_text', temperature: 0.7 });
    expect(await setup({ other: [{ kind: 'answer', text: 'The Answer is Paris.' }] }).run(exact, 'The answer is Paris.')).toMatchObject({ pass: false });
    expect(await setup({ other: [{ kind: 'answer', text: 'The Answer  is Paris.' }] }).run(normalized, 'the answer is paris')).toEqual({ pass: true });
  });

  it('rejects when the sample cannot be drawn', async () => {
    const { run } = setup({ other: [{ kind: 'fail', error: new ProviderApiError('down', { provider: 'b', upstreamStatus: 500 }) }] });
    const check = agreementCheck({ samples: 2, model: 'other', compare: 'final_answer', temperature: 0.7 });
    await expect(run(check, '18')).rejects.toMatchObject({ code: 'provider_http_error' });
  });
});

describe('judge', () => {
  const check = judgeCheck({ model: 'judge', minScore: 7, rubric: 'Cites the refund policy.', maxOutputTokens: 5 });

  it('passes a score at or above the minimum, asking the judge at temperature 0 with a capped reply', async () => {
    const { fakes, run } = setup({ judge: [{ kind: 'answer', text: '7' }] });
    expect(await run(check, 'Refunds take 5 days, per policy 4.2.')).toEqual({ pass: true });
    const asked = fakes['j/judge']!.calls[0]!;
    expect(asked).toMatchObject({ temperature: 0, maxOutputTokens: 5 });
    const instructions = asked.messages[0]!.content[0]!;
    expect(instructions.type === 'text' && instructions.text).toContain('Cites the refund policy.');
    const prompt = asked.messages[1]!.content[0]!;
    expect(prompt.type === 'text' && prompt.text).toContain('<answer>\nRefunds take 5 days, per policy 4.2.\n</answer>');
  });

  it('fails a score below the minimum', async () => {
    const { run } = setup({ judge: [{ kind: 'answer', text: 'Score: 4/10' }] });
    expect(await run(check, 'whatever')).toEqual({ pass: false, reason: 'judge judge scored 4 < 7' });
  });

  it('asks again once after a malformed reply and uses the second score', async () => {
    const { fakes, run } = setup({ judge: [{ kind: 'answer', text: 'This answer is quite good, I would say 8' }, { kind: 'answer', text: '8' }] });
    expect(await run(check, 'whatever')).toEqual({ pass: true });
    expect(fakes['j/judge']!.calls).toHaveLength(2);
  });

  it('leaves the answer unscored after two malformed replies, which fails it', async () => {
    const { fakes, run } = setup({ judge: [{ kind: 'answer', text: 'Good answer.' }] });
    expect(await run(check, 'whatever')).toEqual({ pass: false, reason: 'judge judge gave no score (twice); last reply "Good answer."', unavailable: true });
    expect(fakes['j/judge']!.calls).toHaveLength(2);
  });
});

describe('parseJudgeScore', () => {
  it('reads a bare score in its usual spellings and nothing else', () => {
    expect(['7', ' 10 ', '7/10', '7 out of 10', 'Score: 9.', 'score=3'].map(parseJudgeScore)).toEqual([7, 10, 7, 7, 9, 3]);
    expect(['0', '11', '7.5', 'I give it 7', 'Rate 1 to 10', '', '8 because it is right'].map(parseJudgeScore)).toEqual(Array(7).fill(undefined));
  });
});

describe('judgePrompt', () => {
  it('renders the conversation with roles, summarising images and tools', () => {
    const prompt = judgePrompt(
      [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://x/y.png' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'look', input: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', output: 'a cat' }] },
      ],
      'A cat.',
    );
    expect(prompt).toBe(
      '<conversation>\nSYSTEM: Be brief.\n\nUSER: What is this?\n[image]\n\nASSISTANT: [calls tool look with {}]\n\nTOOL: [tool result: a cat]\n</conversation>\n\n<answer>\nA cat.\n</answer>\n\nScore (1-10):',
    );
  });
});
