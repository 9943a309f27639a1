import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import type { FinetuneSource } from './select-finetune-examples.js';

/** The most `listOnlineScores` returns at once. */
export const ONLINE_SCORE_PAGE_LIMIT = 10_000;

export interface ReadOnlineScoresOptions {
  workload: string;
  /** Unix ms, inclusive; default: the beginning. */
  since?: number;
  /** Unix ms; default: now. */
  until: number;
  pageLimit?: number;
}

export interface ReadOnlineScoresResult {
  samples: FinetuneSource[];
  /** True when one millisecond held more samples than a page: some were not read. */
  truncated: boolean;
}

/**
 * Reads every online score of a workload in a time range. The store caps a page and promises no
 * order, so a full page splits its range in two and reads each half; samples are keyed by request
 * id, so a boundary read twice counts once.
 */
export async function readOnlineScores(store: Pick<EvaluationStore, 'listOnlineScores'>, options: ReadOnlineScoresOptions): Promise<ReadOnlineScoresResult> {
  const pageLimit = options.pageLimit ?? ONLINE_SCORE_PAGE_LIMIT;
  const byRequest = new Map<string, FinetuneSource>();
  let truncated = false;
  const read = async (since: number, until: number): Promise<void> => {
    const page = await store.listOnlineScores({ workload: options.workload, since, until, limit: pageLimit });
    if (page.length >= pageLimit && until - since > 1) {
      const middle = since + Math.floor((until - since) / 2);
      await read(since, middle);
      await read(middle, until);
      return;
    }
    if (page.length >= pageLimit) truncated = true;
    for (const sample of page) if (sample.workload === options.workload) byRequest.set(sample.requestId, sample);
  };
  await read(options.since ?? 0, options.until);
  return { samples: [...byRequest.values()], truncated };
}
