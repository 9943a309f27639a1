import type { ScoreInput } from '../scorers/scorer.js';
import { askJudge, type JudgeAttempt } from './ask-with-retries.js';
import { DEFAULT_RUBRIC, pairwisePrompt } from './judge-prompts.js';
import type { JudgeOptions } from './judge-types.js';
import { parsePairwiseVerdict, type PairwiseVerdict } from './parse-judge-output.js';

export type PairwiseWinner = 'a' | 'b' | 'tie';

export type PairwiseResult =
  | {
      status: 'judged';
      winner: PairwiseWinner;
      /** 1 if A wins, 0 if B wins, 0.5 for a tie: A's share, ready for the statistics. */
      scoreA: number;
      /** Whether both orders agreed; inconsistent verdicts are reported as a tie. */
      consistent: boolean;
      /** Each order's verdict mapped back to the real answers: [A shown first, B shown first]. */
      verdicts: [PairwiseWinner, PairwiseWinner];
      reasoning: [string, string];
    }
  | { status: 'unjudged'; reason: string };

export interface PairwiseInput {
  case: ScoreInput['case'];
  answerA: string;
  answerB: string;
  abortSignal?: AbortSignal;
}

export interface PairwiseJudge {
  readonly name: string;
  compare(input: PairwiseInput): Promise<PairwiseResult>;
}

/** Maps a verdict about the shown positions back to the real answers. */
function unswap(verdict: PairwiseVerdict['winner'], swapped: boolean): PairwiseWinner {
  if (verdict === 'tie') return 'tie';
  const shownFirstWon = verdict === 'A';
  return shownFirstWon !== swapped ? 'a' : 'b';
}

const SHARE: Record<PairwiseWinner, number> = { a: 1, b: 0, tie: 0.5 };

/**
 * Pairwise comparison run in both orders (A first, then B first) to cancel position bias. The verdict
 * stands only when both orders name the same winner; any disagreement (including win vs tie) is a tie.
 * If either order stays malformed after the retries, the pair is `unjudged`.
 */
export function createPairwiseJudge(options: JudgeOptions & { rubric?: string }): PairwiseJudge {
  const rubric = options.rubric ?? DEFAULT_RUBRIC;
  const run = (input: PairwiseInput, swapped: boolean): Promise<JudgeAttempt<PairwiseVerdict>> => {
    const [first, second] = swapped ? [input.answerB, input.answerA] : [input.answerA, input.answerB];
    const call = pairwisePrompt(options, rubric, input.case, first, second);
    if (input.abortSignal !== undefined) call.abortSignal = input.abortSignal;
    return askJudge(options, call, parsePairwiseVerdict);
  };
  return {
    name: `pairwise-judge:${options.model}`,
    async compare(input) {
      const [straight, swapped] = await Promise.all([run(input, false), run(input, true)]);
      if (!straight.ok) return { status: 'unjudged', reason: `A-first order: ${straight.reason}` };
      if (!swapped.ok) return { status: 'unjudged', reason: `B-first order: ${swapped.reason}` };
      const verdicts: [PairwiseWinner, PairwiseWinner] = [unswap(straight.value.winner, false), unswap(swapped.value.winner, true)];
      const consistent = verdicts[0] === verdicts[1];
      const winner = consistent ? verdicts[0] : 'tie';
      return {
        status: 'judged',
        winner,
        scoreA: SHARE[winner],
        consistent,
        verdicts,
        reasoning: [straight.value.reasoning, swapped.value.reasoning],
      };
    },
  };
}
