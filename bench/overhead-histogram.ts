/**
 * The gateway's own time per request, as it reports it on `/metrics`
 * (`switchyard_gateway_overhead_seconds`: wall time in the process less the time spent waiting on
 * the upstream). The bench scrapes the histogram before and after a run and reads percentiles
 * from the difference, so the figure covers exactly the run's requests — a view from inside the
 * process, free of the client's and the VM's scheduling, beside wrk's view from outside.
 */

const METRIC = 'switchyard_gateway_overhead_seconds_bucket';

/** Cumulative counts by upper bound in seconds (`+Inf` as Infinity), summed over every label set. */
export type CumulativeBuckets = Map<number, number>;

export function parseOverheadBuckets(exposition: string): CumulativeBuckets {
  const buckets: CumulativeBuckets = new Map();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(METRIC)) continue;
    const match = /\ble="([^"]+)"[^}]*\}\s+(\S+)$/.exec(line);
    if (!match) continue;
    const bound = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** What was observed between two scrapes. */
export function bucketsBetween(before: CumulativeBuckets, after: CumulativeBuckets): CumulativeBuckets {
  const difference: CumulativeBuckets = new Map();
  for (const [bound, count] of after) difference.set(bound, count - (before.get(bound) ?? 0));
  return difference;
}

/** Several runs' differences as one distribution. */
export function addBuckets(all: CumulativeBuckets[]): CumulativeBuckets {
  const total: CumulativeBuckets = new Map();
  for (const buckets of all) for (const [bound, count] of buckets) total.set(bound, (total.get(bound) ?? 0) + count);
  return total;
}

export function observationCount(buckets: CumulativeBuckets): number {
  return buckets.get(Number.POSITIVE_INFINITY) ?? 0;
}

/**
 * The `fraction` quantile in milliseconds, interpolated linearly inside its bucket as Prometheus'
 * `histogram_quantile` does (so it is good to the bucket width: 0.05–0.1 ms below 0.5 ms). NaN
 * when nothing was observed; the last finite bound when the quantile lies in `+Inf`.
 */
export function quantileMs(buckets: CumulativeBuckets, fraction: number): number {
  const bounds = [...buckets.keys()].sort((left, right) => left - right);
  const total = observationCount(buckets);
  if (total === 0) return Number.NaN;
  const rank = fraction * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound)!;
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lower * 1000;
      const inBucket = count - below;
      return (lower + (inBucket === 0 ? 0 : ((rank - below) / inBucket) * (bound - lower))) * 1000;
    }
    lower = bound;
    below = count;
  }
  return lower * 1000;
}
