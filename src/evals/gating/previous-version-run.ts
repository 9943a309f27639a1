import type { EvalRunRecord, EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { newestPairableRun } from './recorded-eval-run.js';

/** Recorded runs read to find a model's earlier version; a set is re-run far less often than this. */
const RUNS_READ = 200;

/**
 * The baseline of a gate whose candidate is already the workload's current model (a new pinned
 * version, a re-quantized build under the same name): the model's newest recorded run on the same
 * set contents from another version. Throws, saying what to do, when there is none.
 */
export async function previousVersionRun(
  store: Pick<EvaluationStore, 'listEvalRuns'> | undefined,
  query: { model: string; workload: string; setHash: string; version: string },
): Promise<EvalRunRecord> {
  const hint = `pass --baseline <model>, or record a run of the earlier version first (eval run --model ${query.model} before changing its version)`;
  const why = `${query.model} is workload ${query.workload}'s current model, so its baseline is its recorded run of an earlier version on this set`;
  if (store === undefined) throw new InvalidRequestError(`${why}, but recording is off; ${hint}`);
  const runs = await store.listEvalRuns({ model: query.model, limit: RUNS_READ });
  const previous = newestPairableRun(runs, { model: query.model, setHash: query.setHash, otherThanVersion: query.version });
  if (previous === undefined) throw new InvalidRequestError(`${why}, and none is recorded (versions other than ${query.version}); ${hint}`);
  return previous;
}
