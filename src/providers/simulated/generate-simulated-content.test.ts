import { describe, expect, it } from 'vitest';
import type { ChatCall, ToolDefinition } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { estimateInputTokens, generateSimulatedContent, tokenize, type SimulatedContent } from './generate-simulated-content.js';

const context = { modelId: 'open-small', outputTokens: { min: 20, max: 40 } };

function userCall(text: string, extra: Partial<ChatCall> = {}): ChatCall {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

function textOf(content: SimulatedContent): string {
  if (content.kind !== 'text') throw new Error(`expected text, got ${content.kind}`);
  return content.text;
}

const weatherTool: ToolDefinition = {
  type: 'function',
  name: 'get_weather',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { enum: ['c', 'f'] } },
    required: ['city', 'days', 'unit'],
  },
};
const searchTool: ToolDefinition = {
  type: 'function',
  name: 'search',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

describe('tokenize', () => {
  it.each(['', 'hello world', '  leading and trailing  ', '{"a":"bcdefgh"}', 'line\nbreak\ttab'])(
    'joins back to the original text: %j',
    (text) => {
      expect(tokenize(text).join('')).toBe(text);
    },
  );

  it('counts about four visible characters per token', () => {
    expect(tokenize('the data flow')).toEqual(['the', ' data', ' flow']);
    expect(tokenize('simulated')).toEqual(['simu', 'late', 'd']);
  });
});

describe('generateSimulatedContent: text', () => {
  it('labels the answer, echoes the prompt and stays within the token range', () => {
    const content = generateSimulatedContent(userCall('What is the capital of France?'), context);
    expect(content.kind).toBe('text');
    const text = textOf(content);
    expect(text.startsWith('[simulated open-small] You said: "What is the capital of France?".')).toBe(true);
    if (content.kind !== 'text') return;
    expect(content.tokens.join('')).toBe(text);
    expect(content.tokens.length).toBeGreaterThanOrEqual(20);
    expect(content.tokens.length).toBeLessThanOrEqual(40);
    expect(content.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
  });

  it('is deterministic for a prompt, differs across prompts and across call seeds', () => {
    const first = generateSimulatedContent(userCall('hello there'), context);
    expect(generateSimulatedContent(userCall('hello there'), context)).toEqual(first);
    expect(textOf(generateSimulatedContent(userCall('hello where'), context))).not.toBe(textOf(first));
    expect(textOf(generateSimulatedContent(userCall('hello there', { seed: 9 }), context))).not.toBe(textOf(first));
  });

  it('spreads lengths over the whole configured range', () => {
    const lengths = new Set<number>();
    for (let index = 0; index < 300; index++) {
      const content = generateSimulatedContent(userCall(`q${index}`), { modelId: 'm', outputTokens: { min: 10, max: 14 } });
      if (content.kind === 'text') lengths.add(content.tokens.length);
    }
    expect([...lengths].sort()).toEqual([10, 11, 12, 13, 14]);
  });

  it('shortens long prompts in the echo', () => {
    const long = Array.from({ length: 30 }, (_, index) => `word${index}`).join(' ');
    const text = textOf(generateSimulatedContent(userCall(long), { modelId: 'm', outputTokens: { min: 60, max: 60 } }));
    expect(text).toContain('word11…');
    expect(text).not.toContain('word12');
  });

  it('stops at maxOutputTokens with finish reason length', () => {
    const content = generateSimulatedContent(userCall('hi', { maxOutputTokens: 5 }), context);
    expect(content).toMatchObject({ kind: 'text', finishReason: { unified: 'length', raw: 'max_tokens' } });
    if (content.kind === 'text') expect(content.tokens).toHaveLength(5);
  });

  it('cuts at the earliest stop sequence, excluding it', () => {
    const content = generateSimulatedContent(userCall('alpha STOP beta END gamma', { stopSequences: ['END', 'STOP'] }), context);
    expect(textOf(content)).toBe('[simulated open-small] You said: "alpha ');
    expect(content.finishReason).toEqual({ unified: 'stop', raw: 'stop_sequence' });
  });

  it('lets maxOutputTokens win when it comes before the stop sequence', () => {
    const content = generateSimulatedContent(userCall('alpha STOP', { stopSequences: ['STOP'], maxOutputTokens: 2 }), context);
    expect(content.finishReason.unified).toBe('length');
  });

  it('describes tool results and images', () => {
    const afterTool = generateSimulatedContent(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: '{}' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'get_weather', output: 'sunny, 21C' }] },
        ],
        tools: [weatherTool],
      },
      context,
    );
    expect(textOf(afterTool)).toContain('Got 1 tool result(s) from get_weather: "sunny, 21C".');

    const withImage = generateSimulatedContent(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image', url: 'https://x/y.png' }] },
        ],
      },
      context,
    );
    expect(textOf(withImage)).toContain('You said: "what is this?" (with 1 image).');
  });
});

describe('generateSimulatedContent: JSON output', () => {
  it('returns JSON matching a json-schema response format', () => {
    const content = generateSimulatedContent(
      userCall('extract', {
        responseFormat: {
          type: 'json-schema',
          name: 'person',
          schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] },
        },
      }),
      context,
    );
    expect(JSON.parse(textOf(content))).toEqual({ name: 'example', age: 1 });
  });

  it('returns a labelled JSON object for plain json mode', () => {
    const content = generateSimulatedContent(userCall('give json', { responseFormat: { type: 'json' } }), context);
    expect(JSON.parse(textOf(content))).toEqual({ simulated: true, model: 'open-small', summary: 'You said: "give json".' });
  });
});

describe('generateSimulatedContent: tool calls', () => {
  function toolCallsOf(content: SimulatedContent): Array<{ toolName: string; input: unknown }> {
    if (content.kind !== 'tool-calls') throw new Error(`expected tool calls, got ${content.kind}`);
    expect(content.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    return content.toolCalls.map((toolCall) => ({ toolName: toolCall.toolName, input: JSON.parse(toolCall.input) }));
  }

  it('calls the forced tool with arguments that satisfy its schema', () => {
    const content = generateSimulatedContent(
      userCall('anything', { tools: [searchTool, weatherTool], toolChoice: { type: 'tool', toolName: 'get_weather' } }),
      context,
    );
    expect(toolCallsOf(content)).toEqual([{ toolName: 'get_weather', input: { city: 'example', days: 1, unit: 'c' } }]);
  });

  it('calls the first tool when a tool is required and none is named', () => {
    const content = generateSimulatedContent(userCall('anything', { tools: [searchTool, weatherTool], toolChoice: { type: 'required' } }), context);
    expect(toolCallsOf(content)).toEqual([{ toolName: 'search', input: { query: 'example' } }]);
  });

  it('calls the tools the last user message names, in parallel unless disabled', () => {
    const call = userCall('please use get_weather and search', { tools: [searchTool, weatherTool] });
    expect(toolCallsOf(generateSimulatedContent(call, context)).map((toolCall) => toolCall.toolName)).toEqual(['search', 'get_weather']);
    const single = generateSimulatedContent({ ...call, parallelToolCalls: false }, context);
    expect(toolCallsOf(single)).toHaveLength(1);
    if (single.kind === 'tool-calls') {
      expect(single.outputTokens).toBe(tokenize(single.toolCalls[0]!.input).length);
      expect(single.toolCalls[0]!.toolCallId).toMatch(/^call_simulated_[0-9a-f]+_0$/);
    }
  });

  it('answers in text when tools are optional and not named, or when tool choice is none', () => {
    expect(generateSimulatedContent(userCall('hello', { tools: [searchTool] }), context).kind).toBe('text');
    expect(generateSimulatedContent(userCall('hello searcher', { tools: [searchTool] }), context).kind).toBe('text');
    expect(generateSimulatedContent(userCall('use search', { tools: [searchTool], toolChoice: { type: 'none' } }), context).kind).toBe('text');
  });

  it('refuses a tool choice that names a missing tool, or requires tools without any', () => {
    expect(() =>
      generateSimulatedContent(userCall('x', { tools: [searchTool], toolChoice: { type: 'tool', toolName: 'nope' } }), context),
    ).toThrow(InvalidRequestError);
    expect(() => generateSimulatedContent(userCall('x', { toolChoice: { type: 'required' } }), context)).toThrow(/no tools/);
  });
});

describe('estimateInputTokens', () => {
  it('is ceil(characters / 4) over every message part, images aside', () => {
    expect(
      estimateInputTokens([
        { role: 'system', content: [{ type: 'text', text: 'abcd' }] },
        { role: 'user', content: [{ type: 'text', text: 'efghi' }, { type: 'image', url: 'https://x/y.png' }] },
      ]),
    ).toBe(Math.ceil(9 / 4));
    expect(estimateInputTokens([])).toBe(0);
  });
});
