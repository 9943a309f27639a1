import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../test/support/temp-evaluation-store.js';
import { loadConfigText } from '../../core/config/load-config.js';
import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { OnlineScoreFilter } from '../../core/evaluation/evaluation-records.js';
import { PermissionDeniedError } from '../../spec/errors.js';
import { DAY, FINETUNE_TEST_CONFIG_YAML, sample, T0 } from './__fixtures__/finetune-test-config.js';
import {
  assertExportAllowed,
  finetuneExportPolicy,
  formatFinetuneJsonl,
  licenseForbidsTrainingOnOutputs,
  readOnlineScores,
  selectFinetuneExamples,
  type FinetuneSelectionOptions,
  type FinetuneSource,
} from './index.js';

const config = loadConfigText(FINETUNE_TEST_CONFIG_YAML, 'finetune.yaml', { env: {} });

function policyOf(workload: string, from: ResolvedConfig = config) {
  return finetuneExportPolicy(from, from.workloads[workload]!);
}

function select(samples: FinetuneSource[], options: Partial<FinetuneSelectionOptions> = {}, workload = 'support') {
  return selectFinetuneExamples(samples, config, policyOf(workload), { minScore: 0.7, ...options });
}

const ids = (selection: ReturnType<typeof select>, part: 'train' | 'validation' = 'train') => selection[part].map((item) => item.requestId);

describe('export policy', () => {
  it('allows an internal workload and carries its region requirement', () => {
    const policy = policyOf('support');
    expect(policy.refusal).toBeUndefined();
    expect(policy.carried).toEqual({ regions: ['eu'], certifications: [] });
    expect(() => assertExportAllowed(policy)).not.toThrow();
    expect(policyOf('plain').refusal).toBeUndefined();
  });

  it.each([
    ['no-export', 'workloads.no-export.evaluation.finetune_export', /finetune_export is false/],
    ['vault', 'workloads.vault.policy.data_class', /is restricted: restricted data is never exported/],
    ['private', 'policy.data_classes.confidential.require.no_training', /\(a default\) applies to workload 'private' \(data class confidential\): its data must not train models/],
    ['on-prem', 'workloads.on-prem.policy.require.self_hosted', /must stay on infrastructure the team controls/],
  ])('refuses %s, naming %s', (workload, setting, message) => {
    const policy = policyOf(workload);
    expect(policy.refusal?.setting).toBe(setting);
    expect(policy.refusal?.message).toMatch(message);
    expect(() => assertExportAllowed(policy)).toThrow(PermissionDeniedError);
    expect(() => select([], {}, workload)).toThrow(/^fine-tuning export refused: /);
  });

  it('names zero_retention, and a data owner who lifts both confidential defaults may export', () => {
    const withoutTraining = loadConfigText(`${FINETUNE_TEST_CONFIG_YAML}policy: { data_classes: { confidential: { require: { no_training: false } } } }\n`, 'f.yaml', { env: {} });
    expect(policyOf('private', withoutTraining).refusal?.setting).toBe('policy.data_classes.confidential.require.zero_retention');
    const lifted = loadConfigText(`${FINETUNE_TEST_CONFIG_YAML}policy: { data_classes: { confidential: { require: { no_training: false, zero_retention: false } } } }\n`, 'f.yaml', { env: {} });
    expect(policyOf('private', lifted).refusal).toBeUndefined();
    // Restricted stays refused whatever its requirements say.
    const restrictedLifted = loadConfigText(`${FINETUNE_TEST_CONFIG_YAML}policy: { data_classes: { restricted: { require: { self_hosted: false } } } }\n`, 'f.yaml', { env: {} });
    expect(policyOf('vault', restrictedLifted).refusal?.setting).toBe('workloads.vault.policy.data_class');
  });

  it('a configured requirement is not called a default', () => {
    const configured = loadConfigText(`${FINETUNE_TEST_CONFIG_YAML}policy: { data_classes: { internal: { require: { no_training: true } } } }\n`, 'f.yaml', { env: {} });
    expect(policyOf('support', configured).refusal?.message).toMatch(/^policy\.data_classes\.internal\.require\.no_training applies/);
  });

  it('reads the licence notes for a ban on training with outputs', () => {
    expect(licenseForbidsTrainingOnOutputs(config.registry.licenses.lookup('llama-3-community'))).toBe(true);
    expect(licenseForbidsTrainingOnOutputs(config.registry.licenses.lookup('llama-2-community'))).toBe(true);
    expect(licenseForbidsTrainingOnOutputs(config.registry.licenses.lookup('llama-3.1-community'))).toBe(false);
    expect(licenseForbidsTrainingOnOutputs(config.registry.licenses.lookup('openai-api'))).toBe(false);
    expect(licenseForbidsTrainingOnOutputs(undefined)).toBe(false);
  });
});

describe('selection', () => {
  it('keeps scores at or above the threshold and counts unscored, below-threshold and conversation-less samples', () => {
    const selection = select([
      sample('good', { score: 0.9 }),
      sample('edge', { score: 7 / 9, rubricScore: 8 }),
      sample('low', { score: 0.5 }),
      sample('unscored', { score: undefined, unscoredReason: 'malformed judge reply' }),
      sample('bare', { messages: undefined, answer: undefined }),
      // As the online evaluator stores an answer it could not score: no score and no conversation.
      sample('unscored-bare', { score: undefined, unscoredReason: 'malformed judge reply', messages: undefined, answer: undefined }),
    ], { minScore: (8 - 1) / 9 });
    expect(ids(selection).sort()).toEqual(['edge', 'good']);
    expect(selection.report).toMatchObject({ read: 6, written: 2, skipped: { below_threshold: 1, unscored: 2, no_conversation: 1 } });
    expect(selection.report.meanScore).toBeCloseTo((0.9 + 7 / 9) / 2, 12);
  });

  it('keeps frontier answers only by default; --include-self-hosted and --model change that', () => {
    const samples = [
      sample('closed'),
      sample('closed-b', { model: 'frontier-b', deployment: undefined }),
      sample('local', { model: 'open-small', deployment: 'gpu/llama-3.1-8b-instruct' }),
      sample('gone', { model: 'retired-model', deployment: 'nowhere' }),
      sample('llama3', { model: 'llama3-hosted', deployment: 'closed/llama-3-70b' }),
      // A deployment that left the config: its model's deployments decide.
      sample('moved', { deployment: 'frontier-old' }),
    ];
    const frontier = select(samples);
    expect(ids(frontier).sort()).toEqual(['closed', 'closed-b', 'moved']);
    expect(frontier.report.skipped).toMatchObject({ self_hosted: 1, unknown_model: 1, license_forbids_training: 1 });
    expect(frontier.report.models).toEqual({ frontier: 2, 'frontier-b': 1 });

    expect(ids(select(samples, { includeSelfHosted: true })).sort()).toEqual(['closed', 'closed-b', 'local', 'moved']);
    const only = select(samples, { models: ['frontier-b'] });
    expect(ids(only)).toEqual(['closed-b']);
    expect(only.report.skipped.model_not_selected).toBe(5);
  });

  it('keeps the best-scored answer of identical conversations', () => {
    const question = [{ role: 'user', content: 'How do I reset my password?' }];
    const selection = select([
      sample('first', { messages: question, answer: { role: 'assistant', content: 'Click reset.' }, score: 0.8, time: T0 }),
      sample('best', { messages: question, answer: { role: 'assistant', content: 'Open Settings, then Reset password.' }, score: 0.95, time: T0 + 1 }),
      sample('same-again', { messages: question, answer: { role: 'assistant', content: 'Open Settings, then Reset password.' }, score: 0.95, time: T0 + 2 }),
      sample('other', { score: 0.75 }),
    ]);
    // Equal scores keep the newer answer.
    expect(ids(selection)).toEqual(['other', 'same-again']);
    expect(selection.report.skipped.duplicate).toBe(2);
  });

  it('redacts every message again, counts it, and skips what redaction cannot remove', () => {
    const selection = select([
      sample('leaky', {
        messages: [{ role: 'user', content: 'Mail me at jane.doe@example.com or call +44 20 7946 0958' }],
        answer: { role: 'assistant', content: 'Use key sk-abcdefghijklmnopqrstuvwxyz123456 for the API.' },
      }),
      sample('national-id', { messages: [{ role: 'user', content: 'My NI number is AB 12 34 56 C, update it' }] }),
      sample('clean'),
    ]);
    expect(ids(selection)).toEqual(['clean', 'leaky']);
    const leaky = selection.train.find((item) => item.requestId === 'leaky')!;
    const text = JSON.stringify(leaky.example);
    expect(text).not.toMatch(/jane\.doe|7946|sk-abc/);
    expect(text).toContain('[EMAIL]');
    expect(text).toContain('[SECRET]');
    expect(selection.report.redaction).toEqual({ examples: 1, replaced: { email: 1, phone: 1, secret: 1 } });
    expect(selection.report.skipped.sensitive_data).toBe(1);
  });

  it('converts conversations: developer → system, history answers weighted 0, tool calls only with tools', () => {
    const tools = [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object' } } }];
    const toolAnswer = { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":7}' } }] };
    const history = [
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi ' }, { type: 'text', text: 'there' }] },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Where is order 7?' },
    ];
    const selection = select([
      sample('with-tools', { messages: history, answer: toolAnswer, tools } as Partial<FinetuneSource>),
      sample('no-tools', { messages: [{ role: 'user', content: 'Order 8?' }], answer: toolAnswer }),
      sample('image', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }),
      sample('empty', { answer: { role: 'assistant', content: '  ' } }),
      sample('not-assistant', { answer: { role: 'user', content: 'x' } }),
      sample('no-user', { messages: [{ role: 'system', content: 'only a system prompt' }] }),
    ]);
    expect(ids(selection)).toEqual(['with-tools']);
    expect(selection.report.skipped).toMatchObject({ tool_calls_without_tools: 1, non_text_content: 1, empty_answer: 1, malformed: 2 });
    expect(selection.train[0]!.example).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi there' },
        { role: 'assistant', content: 'Hello!', weight: 0 },
        { role: 'user', content: 'Where is order 7?' },
        toolAnswer,
      ],
      tools,
    });
  });

  it('writes in traffic order; --limit keeps the best; the validation split is stable', () => {
    const samples = Array.from({ length: 40 }, (_, index) => sample(`r${String(index).padStart(2, '0')}`, { time: T0 + (40 - index) * DAY, score: 0.7 + (index % 4) * 0.1 }));
    const all = select(samples);
    expect(all.train.map((item) => item.time)).toEqual([...all.train.map((item) => item.time)].sort((left, right) => left - right));
    const limited = select(samples, { limit: 10 });
    expect(limited.train).toHaveLength(10);
    expect(limited.report.skipped.over_limit).toBe(30);
    expect(limited.train.every((item) => item.score > 0.95)).toBe(true);

    const split = select(samples, { validationShare: 0.25 });
    expect(split.report).toMatchObject({ written: 40, train: split.train.length, validation: split.validation.length });
    expect(split.validation.length).toBeGreaterThan(0);
    expect(split.train.length).toBeGreaterThan(split.validation.length);
    // The same samples in another order split the same way.
    const again = select([...samples].reverse(), { validationShare: 0.25 });
    expect(ids(again, 'validation')).toEqual(ids(split, 'validation'));
    expect(ids(again)).toEqual(ids(split));
  });

  it('formats OpenAI chat fine-tuning JSONL: every line parses and ends with the assistant answer', () => {
    const selection = select([sample('a'), sample('b', { time: T0 + 1 }), sample('c', { time: T0 + 2, messages: [{ role: 'user', content: 'line one\nline two' }] })]);
    const text = formatFinetuneJsonl(selection.train.map((item) => item.example));
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const parsed = JSON.parse(line) as { messages: Array<{ role: string; content: unknown }> };
      expect(Object.keys(parsed)).toEqual(['messages']);
      expect(parsed.messages.at(-1)).toMatchObject({ role: 'assistant' });
      expect(typeof parsed.messages.at(-1)!.content).toBe('string');
    }
    expect(formatFinetuneJsonl([])).toBe('');
  });
});

describe('readOnlineScores', () => {
  /** A real SQLite evaluation store, fresh for each test. */
  let opened: TemporaryEvaluationStore;
  beforeEach(async () => {
    opened = await openTemporaryEvaluationStore();
  });
  afterEach(async () => {
    await opened.close();
  });

  it('reads past the page cap by splitting full ranges, once per request', async () => {
    const stored = Array.from({ length: 25 }, (_, index) => sample(`r${index}`, { time: T0 + (index % 5) * 1000 + index }));
    // On the first split point, so the halves' shared boundary holds a sample.
    stored.push(sample('boundary', { time: T0 + 5000 }));
    await opened.store.recordOnlineScores([...stored, sample('elsewhere', { workload: 'other' })]);
    const expected = stored.map((row) => row.requestId).sort();
    const options = { workload: 'support', since: T0, until: T0 + 10_000, pageLimit: 4 };

    const queries: OnlineScoreFilter[] = [];
    // Only counts the reads: each reaches the real store.
    const counting = {
      listOnlineScores: (filter: OnlineScoreFilter = {}) => {
        queries.push(filter);
        return opened.store.listOnlineScores(filter);
      },
    };
    const result = await readOnlineScores(counting, options);
    expect(result.truncated).toBe(false);
    expect(result.samples.map((row) => row.requestId).sort()).toEqual(expected);
    expect(queries.length).toBeGreaterThan(1);

    // The interface does not promise `until` is exclusive. Widening every read by 1 ms makes the
    // real store include it, so both halves of a split read the boundary sample: counted once.
    let rowsRead = 0;
    const inclusive = {
      listOnlineScores: async (filter: OnlineScoreFilter = {}) => {
        const page = await opened.store.listOnlineScores(filter.until === undefined ? filter : { ...filter, until: filter.until + 1 });
        rowsRead += page.length;
        return page;
      },
    };
    const overlapping = await readOnlineScores(inclusive, options);
    expect(rowsRead).toBeGreaterThan(stored.length);
    expect(overlapping.truncated).toBe(false);
    expect(overlapping.samples.map((row) => row.requestId).sort()).toEqual(expected);
  });

  it('says when one millisecond holds more than a page', async () => {
    await opened.store.recordOnlineScores(Array.from({ length: 3 }, (_, index) => sample(`same-${index}`)));
    const result = await readOnlineScores(opened.store, { workload: 'support', since: T0 - 3, until: T0 + 3, pageLimit: 2 });
    expect(result).toMatchObject({ truncated: true });
    expect(result.samples).toHaveLength(2);
  });
});
