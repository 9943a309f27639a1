/**
 * Student's t distribution and the two tests rolling quality needs: a t interval for a mean and a
 * one-sided Welch test of "the recent mean is lower than the baseline mean". Both work from
 * summary statistics (n, mean, variance), so windows can be kept as per-minute sums.
 */

/** n, mean and sample variance of a set of scores. */
export interface SampleMoments {
  n: number;
  mean: number;
  /** Unbiased sample variance (n − 1 denominator); 0 for a single sample. */
  variance: number;
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: ~15 significant digits). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let series = 0.99999999999980993;
  LANCZOS.forEach((coefficient, index) => {
    series += coefficient / (shifted + index + 1);
  });
  const t = shifted + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let term = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    fraction *= d * c;
    term = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < 1e-14) break;
  }
  return fraction;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast only on one side of the mean; use the symmetry on the other.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `degreesOfFreedom` (> 0, need not be an integer). */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The t value with P(T ≤ t) = probability (bisection: plenty fast for a few calls per score). */
export function studentTQuantile(probability: number, degreesOfFreedom: number): number {
  if (probability <= 0) return -Infinity;
  if (probability >= 1) return Infinity;
  if (probability === 0.5) return 0;
  let low = -1;
  let high = 1;
  while (studentTCdf(low, degreesOfFreedom) > probability) low *= 2;
  while (studentTCdf(high, degreesOfFreedom) < probability) high *= 2;
  for (let iteration = 0; iteration < 100 && high - low > 1e-10; iteration++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, degreesOfFreedom) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** A two-sided t interval for the mean, clamped to [0, 1] (scores live there); none below two samples. */
export function meanInterval(sample: SampleMoments, confidence = 0.95): { lower: number; upper: number } | undefined {
  if (sample.n < 2) return undefined;
  const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, sample.n - 1) * Math.sqrt(sample.variance / sample.n);
  return { lower: Math.max(0, sample.mean - halfWidth), upper: Math.min(1, sample.mean + halfWidth) };
}

/**
 * One-sided Welch t-test of "the recent mean is below the baseline mean" (unequal variances).
 * Returns the p-value; with no variance at all, the answer is certain either way.
 */
export function welchDropPValue(recent: SampleMoments, baseline: SampleMoments): number {
  if (recent.n < 2 || baseline.n < 2) return 1;
  const recentTerm = recent.variance / recent.n;
  const baselineTerm = baseline.variance / baseline.n;
  const standardError = Math.sqrt(recentTerm + baselineTerm);
  const difference = baseline.mean - recent.mean;
  if (standardError === 0) return difference > 0 ? 0 : 1;
  const t = difference / standardError;
  // Welch–Satterthwaite degrees of freedom.
  const degreesOfFreedom =
    (recentTerm + baselineTerm) ** 2 / (recentTerm ** 2 / (recent.n - 1) + baselineTerm ** 2 / (baseline.n - 1));
  return 1 - studentTCdf(t, degreesOfFreedom);
}
