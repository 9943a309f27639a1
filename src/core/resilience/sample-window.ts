/**
 * The last N samples of a measurement in a ring buffer, for quantile estimates that follow
 * recent behaviour (a deployment that got slow an hour ago and recovered should not still look slow).
 */
export class SampleWindow {
  private readonly samples: Float64Array;
  private filled = 0;
  private next = 0;

  constructor(size: number) {
    this.samples = new Float64Array(Math.max(1, Math.floor(size)));
  }

  get count(): number {
    return this.filled;
  }

  add(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
  }

  /**
   * The q-quantile (0..1), linearly interpolated between the closest ranks (type 7, as numpy's
   * default); undefined before any sample. Sorting N ≤ a few hundred numbers per call is cheaper
   * than keeping a sketch up to date, and the caller asks at most once per request.
   */
  quantile(q: number): number | undefined {
    if (this.filled === 0) return undefined;
    const sorted = Float64Array.from(this.samples.subarray(0, this.filled)).sort();
    const position = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
  }

  clear(): void {
    this.filled = 0;
    this.next = 0;
  }
}
