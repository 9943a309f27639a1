/**
 * Counts events over a sliding time window split into fixed buckets (as Finagle's and
 * Hystrix's rolling counters do): memory stays constant however busy the window is, and old
 * buckets expire as the clock moves on without any timer.
 */
export interface RollingWindowOptions {
  /** Length of the window. */
  windowMs: number;
  /** Width of one bucket; the window slides in steps of this size. */
  bucketMs: number;
}

interface Bucket {
  /** Which bucket of the epoch (`floor(now / bucketMs)`) this slot currently holds. */
  index: number;
  counts: number[];
}

export class RollingWindow<Field extends string> {
  readonly windowMs: number;
  readonly bucketMs: number;
  private readonly fields: readonly Field[];
  private readonly buckets: Bucket[];

  constructor(fields: readonly Field[], options: RollingWindowOptions) {
    if (!(options.bucketMs > 0)) throw new RangeError('bucketMs must be positive');
    this.fields = fields;
    this.bucketMs = options.bucketMs;
    const bucketCount = Math.max(1, Math.ceil(options.windowMs / options.bucketMs));
    this.windowMs = bucketCount * options.bucketMs;
    this.buckets = Array.from({ length: bucketCount }, () => ({ index: -Infinity, counts: fields.map(() => 0) }));
  }

  add(field: Field, now: number, amount = 1): void {
    const index = Math.floor(now / this.bucketMs);
    const bucket = this.buckets[modulo(index, this.buckets.length)]!;
    if (bucket.index !== index) {
      bucket.index = index;
      bucket.counts.fill(0);
    }
    bucket.counts[this.fields.indexOf(field)]! += amount;
  }

  /** Sum of one field over the buckets still inside the window at `now`. */
  sum(field: Field, now: number): number {
    const current = Math.floor(now / this.bucketMs);
    const position = this.fields.indexOf(field);
    let total = 0;
    for (const bucket of this.buckets) {
      if (bucket.index <= current && bucket.index > current - this.buckets.length) total += bucket.counts[position]!;
    }
    return total;
  }

  reset(): void {
    for (const bucket of this.buckets) {
      bucket.index = -Infinity;
      bucket.counts.fill(0);
    }
  }
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
