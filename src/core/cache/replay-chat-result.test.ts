import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../spec/chat-result.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { collectingEventReader, replayEventReader } from './cached-stream-readers.js';
import { StreamResultCollector } from './collect-stream-result.js';
import { replayChatResult } from './replay-chat-result.js';

const result: ChatResult = {
  content: [
    { type: 'reasoning', text: 'The user wants the weather.', signature: 'sig-1' },
    { type: 'text', text: 'Let me check the weather in Paris for you, right away.' },
    { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris","unit":"celsius"}' },
  ],
  finishReason: { unified: 'tool-calls', raw: 'tool_use' },
  usage: { inputTokens: 20, outputTokens: 7, cacheReadInputTokens: 10 },
  logprobs: [{ token: 'Let', logprob: -0.1 }],
  response: { id: 'msg_1', modelId: 'claude-x', created: 1_700_000_000 },
  warnings: [{ type: 'unsupported-setting', setting: 'seed' }],
};

function collect(events: StreamEvent[]): ChatResult | undefined {
  const collector = new StreamResultCollector();
  for (const event of events) collector.add(event);
  return collector.result();
}

describe('replayChatResult', () => {
  it('produces the documented event order with content in a few chunks', () => {
    const events = replayChatResult({ ...result, response: { ...result.response, headers: { 'x-secret-ish': '1' } } });
    expect(events[0]).toEqual({ type: 'stream-start', warnings: result.warnings });
    expect(events[1]).toEqual({ type: 'response-metadata', id: 'msg_1', modelId: 'claude-x', created: 1_700_000_000 });
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: result.finishReason, usage: result.usage });
    const textDeltas = events.filter((event) => event.type === 'text-delta');
    expect(textDeltas.length).toBeGreaterThan(1);
    expect(textDeltas.length).toBeLessThanOrEqual(4);
    const types = events.map((event) => event.type);
    expect(types.indexOf('tool-input-start')).toBeGreaterThan(types.lastIndexOf('text-delta'));
  });

  it('collects back into the same result', () => {
    expect(collect(replayChatResult(result))).toEqual(result);
    const plain: ChatResult = { ...result, content: [{ type: 'text', text: 'héllo 👋 wörld' }], logprobs: undefined };
    const { logprobs: _logprobs, ...withoutLogprobs } = plain;
    expect(collect(replayChatResult(plain))).toEqual(withoutLogprobs);
  });

  it('collects nothing from a stream that never finished', () => {
    expect(collect(replayChatResult(result).slice(0, -1))).toBeUndefined();
  });
});

describe('stream readers', () => {
  it('replays to the end and reports once, with the time of the first content event', async () => {
    const outcomes: Array<{ cancelled: boolean; firstTokenAt: number | undefined }> = [];
    const reader = replayEventReader(replayChatResult(result), (outcome) => outcomes.push(outcome));
    const seen: StreamEvent[] = [];
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      seen.push(next.value);
    }
    expect(seen).toEqual(replayChatResult(result));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.cancelled).toBe(false);
    expect(outcomes[0]!.firstTokenAt).toBeTypeOf('number');
  });

  it('reports a replay cancelled before its finish as cancelled', async () => {
    const outcomes: boolean[] = [];
    const reader = replayEventReader(replayChatResult(result), (outcome) => outcomes.push(outcome.cancelled));
    await reader.read();
    await reader.cancel();
    await reader.cancel();
    expect(outcomes).toEqual([true]);
  });

  it('hands the collected result over at finish, and nothing when the stream fails first', async () => {
    const stored: ChatResult[] = [];
    const source = replayEventReader(replayChatResult(result), () => undefined);
    const reader = collectingEventReader(source, (collected) => stored.push(collected));
    while (!(await reader.read()).done) {
      // drain
    }
    expect(stored).toEqual([result]);

    const events = replayChatResult(result).slice(0, 4);
    let index = 0;
    const failing = collectingEventReader(
      {
        read: () => (index < events.length ? Promise.resolve({ done: false as const, value: events[index++]! }) : Promise.reject(new Error('cut'))),
        cancel: () => Promise.resolve(),
      },
      (collected) => stored.push(collected),
    );
    await expect(
      (async () => {
        for (;;) if ((await failing.read()).done) break;
      })(),
    ).rejects.toThrow('cut');
    expect(stored).toHaveLength(1);
  });
});
