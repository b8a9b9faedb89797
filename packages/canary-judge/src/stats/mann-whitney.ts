/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of canary against baseline, with the Hodges-Lehmann estimate
 * of the location shift (canary - baseline) and its confidence interval.
 *
 * It follows R's `wilcox.test(canary, baseline, conf.int = TRUE)`:
 * - exact null distribution when both samples have fewer than 50 values and there are no ties
 *   (method "auto"), otherwise the normal approximation with tie correction and continuity correction;
 * - exact CI from order statistics of the m*n pairwise differences; asymptotic CI by inverting the
 *   normal-approximation test over the shift, which lands on a pairwise difference (R finds the same
 *   point numerically with uniroot, to within its 1e-4 tolerance).
 * The shift estimate is always the Hodges-Lehmann estimator, the median of the pairwise differences
 * (R reports that for the exact method; for the asymptotic one it reports a uniroot approximation of it).
 *
 * Cost: O((m + n) log(m + n)). The pairwise differences are never formed: their order statistics come
 * from selection over the implicitly sorted difference matrix (pairwise-select.ts), and U and the tie
 * terms from one merge of the two sorted samples.
 */
import { normalCdf, normalQuantile, normalSf } from './normal';
import { EXACT_MAX_PAIRS, exactUCdf, exactUQuantile, exactUSf } from './exact-u';
import { PairwiseDifferences } from './pairwise-select';

export type Alternative = 'two-sided' | 'greater' | 'less';
export type TestMethod = 'auto' | 'exact' | 'asymptotic';

export interface MannWhitneyOptions {
  /** Two-sided confidence level of the shift interval, in (0, 1). Default 0.95. */
  confidenceLevel?: number;
  /** Alternative for the p-value: "greater" means the canary tends to be larger. Default "two-sided". */
  alternative?: Alternative;
  /** "auto" (default): exact when both n < 50 and no ties. "exact" still falls back to the normal approximation on ties. */
  method?: TestMethod;
  /** Continuity correction in the normal approximation (default true, as in R). */
  continuityCorrection?: boolean;
}

export interface ShiftInterval {
  lower: number;
  upper: number;
  /** Coverage of the interval: the achieved level for the exact method, the nominal one otherwise. */
  level: number;
}

export interface MannWhitneyResult {
  nBaseline: number;
  nCanary: number;
  /** U of the canary: #(canary > baseline) + 0.5 * #(ties), over all pairs (R's W for wilcox.test(canary, baseline)). */
  u: number;
  /** Standardized statistic of the normal approximation (null for the exact method). */
  z: number | null;
  pValue: number;
  method: 'exact' | 'asymptotic';
  /** Whether the pooled sample has ties. */
  ties: boolean;
  /** Hodges-Lehmann estimate of the shift canary - baseline: the median of all pairwise differences. */
  shift: number;
  /** Two-sided confidence interval of the shift. */
  ci: ShiftInterval;
  /** Common-language effect size: P(canary > baseline) + 0.5 * P(equal) = U / (m n). */
  cles: number;
  /** Rank-biserial correlation 2 * CLES - 1, in [-1, 1]; positive when the canary tends to be larger. */
  rankBiserial: number;
}

function checkSample(xs: readonly number[], name: string): void {
  if (xs.length === 0) throw new RangeError(`mannWhitney: the ${name} sample is empty`);
  for (const x of xs) if (!Number.isFinite(x)) throw new RangeError(`mannWhitney: the ${name} sample has a non-finite value (${x})`);
}

/** All m*n differences canary[i] - baseline[j], ascending: O(mn) memory, the reference the selection is tested against. */
export function pairwiseDifferences(baseline: readonly number[], canary: readonly number[]): Float64Array {
  const d = new Float64Array(baseline.length * canary.length);
  let k = 0;
  for (const c of canary) for (const b of baseline) d[k++] = c - b;
  return d.sort();
}

/** Hodges-Lehmann two-sample shift estimate: median of canary[i] - baseline[j]. */
export function hodgesLehmann(baseline: readonly number[], canary: readonly number[]): number {
  checkSample(baseline, 'baseline');
  checkSample(canary, 'canary');
  return new PairwiseDifferences(baseline, canary).quantile(0.5);
}

interface RankSummary {
  /** #(canary > baseline) + 0.5 #(canary = baseline) over all pairs. */
  u: number;
  /** Sum of t^3 - t over groups of equal values in the pooled sample, in each sample alone. */
  tieTerm: number;
  tieTermCanary: number;
  tieTermBaseline: number;
}

const tieTermOfSorted = (s: Float64Array): number => {
  let term = 0;
  for (let i = 0; i < s.length; ) {
    let j = i + 1;
    while (j < s.length && s[j] === s[i]) j++;
    const t = j - i;
    if (t > 1) term += t * t * t - t;
    i = j;
  }
  return term;
};

/** U and tie terms from one merge of the ascending samples (equal to the mid-rank sum form). */
function rankSummary(baselineAsc: Float64Array, canaryAsc: Float64Array): RankSummary {
  let u = 0;
  let tieTerm = 0;
  let i = 0; // canary
  let j = 0; // baseline
  while (i < canaryAsc.length || j < baselineAsc.length) {
    const v = Math.min(i < canaryAsc.length ? canaryAsc[i]! : Infinity, j < baselineAsc.length ? baselineAsc[j]! : Infinity);
    let tc = 0;
    let tb = 0;
    while (i < canaryAsc.length && canaryAsc[i] === v) (i++, tc++);
    while (j < baselineAsc.length && baselineAsc[j] === v) (j++, tb++);
    // j - tb baseline values are below v; tb are equal to it.
    u += tc * (j - tb) + 0.5 * tc * tb;
    const t = tc + tb;
    if (t > 1) tieTerm += t * t * t - t;
  }
  return { u, tieTerm, tieTermCanary: tieTermOfSorted(canaryAsc), tieTermBaseline: tieTermOfSorted(baselineAsc) };
}

export function mannWhitney(baseline: readonly number[], canary: readonly number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  checkSample(baseline, 'baseline');
  checkSample(canary, 'canary');
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new RangeError(`confidenceLevel must be in (0, 1), got ${confidenceLevel}`);
  const alternative = options.alternative ?? 'two-sided';
  const method = options.method ?? 'auto';
  const correct = options.continuityCorrection ?? true;

  const m = canary.length;
  const n = baseline.length;
  const mn = m * n;
  const N = m + n;
  const ranks = rankSummary(Float64Array.from(baseline).sort(), Float64Array.from(canary).sort());
  const { u, tieTerm } = ranks;
  const hasTies = tieTerm > 0;

  const diffs = new PairwiseDifferences(baseline, canary);
  const shift = diffs.quantile(0.5);
  const cles = u / mn;
  const alpha = 1 - confidenceLevel;

  const useExact = !hasTies && method !== 'asymptotic' && mn <= EXACT_MAX_PAIRS && (method === 'exact' || (m < 50 && n < 50));

  if (useExact) {
    let pValue: number;
    if (alternative === 'greater') pValue = exactUSf(u, m, n);
    else if (alternative === 'less') pValue = exactUCdf(u, m, n);
    else pValue = Math.min(1, 2 * (u > mn / 2 ? exactUSf(u, m, n) : exactUCdf(u, m, n)));

    // R: qu <- qwilcox(alpha/2, m, n); if (qu == 0) qu <- 1; ql <- m*n - qu; c(diffs[qu], diffs[ql + 1])
    let qu = exactUQuantile(alpha / 2, m, n);
    if (qu === 0) qu = 1;
    const ql = mn - qu;
    const achievedAlpha = 2 * exactUCdf(qu - 1, m, n);
    const ci: ShiftInterval = { lower: diffs.kth(qu), upper: diffs.kth(ql + 1), level: Math.min(1, 1 - achievedAlpha) };
    return { nBaseline: n, nCanary: m, u, z: null, pValue, method: 'exact', ties: false, shift, ci, cles, rankBiserial: 2 * cles - 1 };
  }

  // Normal approximation with tie correction.
  const sigma = Math.sqrt((mn / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  const dz = u - mn / 2;
  let z: number;
  let pValue: number;
  if (sigma === 0) {
    // Every pooled value is equal: no evidence of any shift.
    z = 0;
    pValue = 1;
  } else {
    const correction = !correct ? 0 : alternative === 'two-sided' ? Math.sign(dz) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
    z = (dz - correction) / sigma;
    if (alternative === 'greater') pValue = normalSf(z);
    else if (alternative === 'less') pValue = normalCdf(z);
    else pValue = Math.min(1, 2 * Math.min(normalCdf(z), normalSf(z)));
  }

  const ci = asymptoticInterval(diffs, ranks.tieTermCanary + ranks.tieTermBaseline, m, n, confidenceLevel, correct);
  return { nBaseline: n, nCanary: m, u, z, pValue, method: 'asymptotic', ties: hasTies, shift, ci, cles, rankBiserial: 2 * cles - 1 };
}

/**
 * Invert the normal-approximation test over the shift d. For d strictly between two consecutive distinct
 * pairwise differences, with k differences below d, U(d) = mn - k and the only ties are those within each
 * sample, so the standardized statistic is (mn/2 - k - cc) / sigma0. It is non-increasing in k, so the
 * smallest k where it crosses the normal quantile is found by bisection, and the bound is the k-th
 * pairwise difference (R's uniroot converges to that jump).
 */
function asymptoticInterval(
  diffs: PairwiseDifferences,
  withinTieTerm: number,
  m: number,
  n: number,
  confidenceLevel: number,
  correct: boolean,
): ShiftInterval {
  const mn = m * n;
  const N = m + n;
  const sigma0 = Math.sqrt((mn / 12) * (N + 1 - withinTieTerm / (N * (N - 1))));
  if (!(sigma0 > 0)) return { lower: diffs.first(), upper: diffs.last(), level: confidenceLevel };
  const zq = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const crossed = (k: number, target: number): boolean => {
    const dz = mn / 2 - k;
    const cc = correct ? Math.sign(dz) * 0.5 : 0;
    return (dz - cc) / sigma0 - target <= 0;
  };
  const bound = (target: number): number => {
    if (!crossed(mn, target)) return diffs.last();
    let lo = 0; // smallest k with crossed(k) is in [lo, hi]
    let hi = mn;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (crossed(mid, target)) hi = mid;
      else lo = mid + 1;
    }
    return lo === 0 ? diffs.first() : diffs.kth(lo);
  };
  return { lower: bound(zq), upper: bound(-zq), level: confidenceLevel };
}
