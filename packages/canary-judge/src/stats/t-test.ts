/**
 * Two-sample t-test of a shift beyond a margin, for samples too small for a rank test to carry strong
 * evidence (a rank test of 2 against 2 values cannot go below p = 1/6). The variance is pooled: the
 * null hypothesis is a canary distributed like its baseline (up to the margin), so with the same
 * spread, and pooling gives m + n - 2 degrees of freedom where Welch's would give about 1 at 2 against 2.
 * Student's t tail from the regularized incomplete beta function (continued fraction of Numerical
 * Recipes, 2nd ed., section 6.4).
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  let c = 1;
  let d = 1 - (qab * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Upper tail P(T > t) of Student's t with df > 0 degrees of freedom (df need not be an integer). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const half = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? half : 1 - half;
}

export interface ShiftTTestResult {
  /** mean(canary) - mean(baseline). */
  difference: number;
  /** Standard error of the difference. */
  se: number;
  /** (difference - margin) / se. */
  t: number;
  /** Degrees of freedom, m + n - 2. */
  df: number;
  /** One-sided p-value of "canary - baseline > margin". */
  pValue: number;
}

function sumOfSquares(xs: readonly number[]): [number, number] {
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return [mean, ss];
}

/**
 * One-sided pooled-variance t-test that the canary's mean exceeds the baseline's by more than `margin`
 * (negate both samples for the other direction). Null when it cannot be computed: fewer than 2 values
 * on a side, or no spread at all (a standard error of 0 carries no evidence, however far apart).
 */
export function shiftTTest(baseline: readonly number[], canary: readonly number[], margin: number): ShiftTTestResult | null {
  const m = canary.length;
  const n = baseline.length;
  if (n < 2 || m < 2) return null;
  const [mb, ssb] = sumOfSquares(baseline);
  const [mc, ssc] = sumOfSquares(canary);
  const df = m + n - 2;
  const se = Math.sqrt(((ssb + ssc) / df) * (1 / m + 1 / n));
  if (!(se > 0) || !Number.isFinite(se)) return null;
  const difference = mc - mb;
  const t = (difference - margin) / se;
  return { difference, se, t, df, pValue: studentTSf(t, df) };
}
