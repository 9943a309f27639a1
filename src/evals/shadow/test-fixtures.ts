import type { ServerResponse } from 'node:http';
import type { EvaluationStore, ShadowPair, ShadowPairFilter, ShadowSummaryRow } from '../../core/evaluation/evaluation-records.js';

/** The shadow part of an evaluation store, in memory, for tests (same filters and ordering as documented). */
export class InMemoryShadowStore implements Pick<EvaluationStore, 'recordShadowPairs' | 'listShadowPairs' | 'shadowSummary'> {
  readonly pairs: ShadowPair[] = [];
  /** Set to make the next writes fail, like a store that is down. */
  failWrites: Error | undefined;

  async recordShadowPairs(pairs: readonly ShadowPair[]): Promise<void> {
    if (this.failWrites) throw this.failWrites;
    this.pairs.push(...pairs.map((pair) => ({ ...pair })));
  }

  async listShadowPairs(filter: ShadowPairFilter = {}): Promise<ShadowPair[]> {
    return this.pairs
      .filter((pair) => within(pair, filter))
      .sort((left, right) => right.time - left.time)
      .slice(0, Math.min(filter.limit ?? 100, 100_000));
  }

  async shadowSummary(query: { since: number; until: number; workload?: string }): Promise<ShadowSummaryRow[]> {
    const rows = new Map<string, ShadowSummaryRow>();
    for (const pair of this.pairs.filter((candidate) => within(candidate, query))) {
      const key = `${pair.workload}\u0000${pair.served}\u0000${pair.outcome}`;
      const row = rows.get(key) ?? { workload: pair.workload, served: pair.served, outcome: pair.outcome, pairs: 0, costUsd: 0 };
      row.pairs += 1;
      row.costUsd += pair.costUsd ?? 0;
      rows.set(key, row);
    }
    return [...rows.values()];
  }
}

function within(pair: ShadowPair, filter: { since?: number; until?: number; workload?: string }): boolean {
  return (
    (filter.since === undefined || pair.time >= filter.since) &&
    (filter.until === undefined || pair.time < filter.until) &&
    (filter.workload === undefined || pair.workload === filter.workload)
  );
}

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
