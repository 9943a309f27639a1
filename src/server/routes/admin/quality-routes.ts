import type { Hono } from 'hono';
import type { QualityResponse } from '../../../core/evaluation/evaluation-api.js';
import type { EvaluationStore } from '../../../core/evaluation/evaluation-records.js';
import type { QualitySource } from '../../../evals/online/index.js';
import { InvalidRequestError } from '../../../spec/errors.js';
import { parseUsageTime } from '../../../store/usage-query.js';
import type { GatewayEnv } from '../../gateway-context.js';

const BUCKETS = ['hour', 'day'] as const;
const BUCKET_MS: Readonly<Record<QualityResponse['bucket'], number>> = { hour: 3_600_000, day: 86_400_000 };
const DEFAULT_SINCE: Readonly<Record<QualityResponse['bucket'], string>> = { hour: '24h', day: '30d' };
/** A series longer than this is a mistake (a year in hours), not a chart. */
const MAX_BUCKETS = 2_000;

const EMPTY_QUEUE: QualityResponse['queue'] = { queued: 0, running: 0, dropped: 0, completed: 0, failed: 0 };

export interface QualityRouteDependencies {
  /** Where judge scores are stored; absent when the request log is off (the series is then empty). */
  store?: Pick<EvaluationStore, 'qualitySeries'> | undefined;
  /** Rolling quality, recent alerts and the queue; absent when online evaluation is not running. */
  quality?: QualitySource | undefined;
  now?: () => number;
}

/**
 * GET /admin/quality?since=24h&until=…&bucket=hour|day&workload=
 *
 * Online judge quality: the mean score per time bucket, workload, answering model and route
 * (from the store), the rolling window against its baseline with the drop test, recent alerts
 * (newest first) and the background queue. `since`/`until` take what /admin/usage takes: a
 * duration before now (`30m`, `24h`, `7d`), Unix milliseconds or an ISO date.
 */
export function registerQualityRoutes(admin: Hono<GatewayEnv>, dependencies: QualityRouteDependencies): void {
  admin.get('/quality', async (context) => {
    const now = dependencies.now?.() ?? Date.now();
    const query = (name: string) => context.req.query(name);
    const bucket = parseBucket(query('bucket'));
    const since = parseUsageTime(query('since') ?? DEFAULT_SINCE[bucket], 'since', now);
    // `until` is exclusive; by default it includes scores stored in this very millisecond.
    const untilText = query('until');
    const until = untilText === undefined ? now + 1 : parseUsageTime(untilText, 'until', now);
    if (until <= since) throw new InvalidRequestError('until must be after since.', { param: 'until' });
    if ((until - since) / BUCKET_MS[bucket] > MAX_BUCKETS) {
      throw new InvalidRequestError(`since..until spans more than ${MAX_BUCKETS} ${bucket} buckets; narrow it or use bucket=day.`, { param: 'since' });
    }
    const workload = parseWorkload(query('workload'));
    const body: QualityResponse = {
      since,
      until,
      bucket,
      series: dependencies.store ? await dependencies.store.qualitySeries({ since, until, bucket, ...(workload === undefined ? {} : { workload }) }) : [],
      rolling: dependencies.quality?.rollingQuality(workload) ?? [],
      alerts: dependencies.quality?.recentAlerts(workload) ?? [],
      queue: dependencies.quality?.queueStats() ?? EMPTY_QUEUE,
    };
    return context.json(body);
  });
}

function parseBucket(text: string | undefined): QualityResponse['bucket'] {
  if (text === undefined) return 'hour';
  const bucket = BUCKETS.find((candidate) => candidate === text.trim());
  if (bucket === undefined) throw new InvalidRequestError(`bucket must be one of ${BUCKETS.join(', ')}; got '${text}'.`, { param: 'bucket' });
  return bucket;
}

function parseWorkload(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const workload = text.trim();
  if (workload === '') throw new InvalidRequestError('workload must not be empty; leave it out for every workload.', { param: 'workload' });
  return workload;
}
