import type { ServerResponse } from 'node:http';

export type JudgeDecision = 'A' | 'B' | 'tie' | 'malformed';

/**
 * An OpenAI chat-completions handler (for a test server) playing a pairwise judge: it reads the
 * two answers out of the judge prompt and replies with the verdict `decide` gives, as JSON, so
 * verdicts follow the answers whatever order they are shown in. `usage` is 100 in, 20 out.
 */
export function pairwiseJudgeHandler(decide: (answerA: string, answerB: string) => JudgeDecision) {
  return (request: { body: unknown }, response: ServerResponse): void => {
    const prompt = lastUserContent(request.body);
    const answerA = /<answer_A>\n([\s\S]*?)\n<\/answer_A>/.exec(prompt)?.[1] ?? '';
    const answerB = /<answer_B>\n([\s\S]*?)\n<\/answer_B>/.exec(prompt)?.[1] ?? '';
    const decision = decide(answerA, answerB);
    const content = decision === 'malformed' ? 'I cannot decide.' : JSON.stringify({ reasoning: 'compared', winner: decision });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-judge',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'gpt-judge',
        choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  };
}

function lastUserContent(body: unknown): string {
  if (typeof body !== 'object' || body === null || !('messages' in body) || !Array.isArray(body.messages)) return '';
  const last: unknown = body.messages.at(-1);
  if (typeof last !== 'object' || last === null || !('content' in last)) return '';
  const content = last.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : '')).join('') : '';
}
