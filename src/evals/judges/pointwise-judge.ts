import { scored, unscored, type Scorer } from '../scorers/scorer.js';
import { askJudge } from './ask-with-retries.js';
import { DEFAULT_RUBRIC, pointwisePrompt } from './judge-prompts.js';
import type { JudgeOptions } from './judge-types.js';
import { parsePointwiseVerdict, rubricScoreToUnit } from './parse-judge-output.js';

/**
 * LLM-as-judge with a rubric: the judge gives 1–10, reported as (score − 1) / 9 in [0, 1].
 * A reply still malformed after the retries is `unscored` with the replies in `detail`.
 */
export function createPointwiseJudge(options: JudgeOptions & { rubric?: string }): Scorer {
  const rubric = options.rubric ?? DEFAULT_RUBRIC;
  return {
    name: `judge:${options.model}`,
    async score(input) {
      const call = pointwisePrompt(options, rubric, input.case, input.answer);
      if (input.abortSignal !== undefined) call.abortSignal = input.abortSignal;
      const outcome = await askJudge(options, call, parsePointwiseVerdict);
      if (!outcome.ok) return unscored(outcome.reason, { attempts: outcome.attempts, replies: outcome.replies });
      return scored(rubricScoreToUnit(outcome.value.score), {
        rubricScore: outcome.value.score,
        reasoning: outcome.value.reasoning,
        attempts: outcome.attempts,
      });
    },
  };
}
