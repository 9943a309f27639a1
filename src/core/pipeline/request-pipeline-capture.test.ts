import { describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, textEvents, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { ProviderApiError } from '../../spec/errors.js';
import { RequestPipeline, type PipelineRequest } from './request-pipeline.js';
import type { RequestSummary } from './request-summary.js';

/** Payload capture: the summary carries the raw bodies only when `request_log.capture_payloads` is on. */
const yaml = (capture: string) => `providers:
  a: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  chat:
    deployments: [{ provider: a, model: m1 }]
request_log:
  capture_payloads: ${capture}
`;

function setup(capture: string, fake: FakeAdapter) {
  const runtime = runtimeWithFakes(yaml(capture), { 'a/m1': fake });
  const summaries: RequestSummary[] = [];
  const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
  const request = (text = 'hello there'): PipelineRequest => ({
    runtime,
    requestId: 'req-1',
    startedAt: performance.now(),
    endpoint: 'chat',
    model: 'chat',
    call: { ...chatCall(text), responseFormat: { type: 'json' } },
  });
  return { pipeline, summaries, request };
}

describe('RequestPipeline payload capture', () => {
  it('attaches nothing when capture is off (the default)', async () => {
    const { pipeline, summaries, request } = setup('{}', createFakeAdapter('a/m1', [{ kind: 'answer', text: 'hi' }, { kind: 'stream', events: textEvents('a', 'b') }]));
    await pipeline.generate(request());
    const streamed = await pipeline.stream(request());
    await readAllEvents(streamed.execution.result.events);
    expect(summaries).toHaveLength(2);
    for (const summary of summaries) {
      expect(summary).not.toHaveProperty('requestPayload');
      expect(summary).not.toHaveProperty('responsePayload');
    }
  });

  it('attaches the call and the generated content when on', async () => {
    const { pipeline, summaries, request } = setup('{ enabled: true }', createFakeAdapter('a/m1', [{ kind: 'answer', text: 'the answer' }]));
    await pipeline.generate(request('question'));
    expect(summaries[0]).toMatchObject({
      requestPayload: { messages: [{ role: 'user', content: [{ type: 'text', text: 'question' }] }], responseFormat: { type: 'json' } },
      responsePayload: { content: [{ type: 'text', text: 'the answer' }], finishReason: 'stop' },
    });
  });

  it('assembles a stream’s text and tool calls as they pass to the client', async () => {
    const events: StreamEvent[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-delta', delta: '' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'tool-input-start', toolCallId: 'c1', toolName: 'lookup' },
      { type: 'tool-input-delta', toolCallId: 'c1', delta: '{"q":' },
      { type: 'tool-input-delta', toolCallId: 'c1', delta: '1}' },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: { inputTokens: 3, outputTokens: 4 } },
    ];
    const { pipeline, summaries, request } = setup('{ enabled: true }', createFakeAdapter('a/m1', [{ kind: 'stream', events }]));
    const streamed = await pipeline.stream(request());
    const received = await readAllEvents(streamed.execution.result.events);
    expect(received).toEqual(events);
    expect(summaries[0]?.responsePayload).toEqual({
      content: [
        { type: 'text', text: 'Hello' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":1}' },
      ],
      finishReason: 'tool-calls',
    });
  });

  it('keeps the request of a failed call, with no response', async () => {
    const failure = new ProviderApiError('bad', { provider: 'a', upstreamStatus: 400 });
    const { pipeline, summaries, request } = setup('{ enabled: true }', createFakeAdapter('a/m1', [{ kind: 'fail', error: failure }]));
    await expect(pipeline.generate(request('oops'))).rejects.toBeDefined();
    expect(summaries[0]?.requestPayload?.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'oops' }] }]);
    expect(summaries[0]).not.toHaveProperty('responsePayload');
  });
});
