/**
 * Order statistics of the m·n pairwise differences canary[i] − baseline[j] without forming them.
 *
 * Selection over the implicitly sorted difference matrix (Johnson & Mizoguchi 1978, "Selecting the Kth
 * element in X + Y and X1 + X2 + ... + Xm"; Monahan 1984 for the Hodges-Lehmann estimator): with the
 * canary ascending and the baseline descending, every row and every column of the matrix ascends. Each
 * round takes a random remaining candidate as pivot, counts the differences below and at most the pivot
 * with one staircase walk (O(m + n)), and narrows every row's candidate range [lo, hi). The expected
 * number of rounds is O(log(mn)); once at most m + n candidates remain they are sorted. In all
 * O((m + n) log(m + n)) time and O(m + n) memory.
 *
 * Each difference is computed as canary − baseline, as the all-pairs form does, and rounding is
 * monotone, so the matrix stays sorted in floating point and the k-th value is the very same double.
 */
export class PairwiseDifferences {
  /** Canary values, ascending. */
  private readonly c: Float64Array;
  /** Baseline values, descending. */
  private readonly b: Float64Array;
  readonly count: number;

  constructor(baseline: ArrayLike<number>, canary: ArrayLike<number>) {
    this.c = Float64Array.from(canary).sort();
    this.b = Float64Array.from(baseline).sort().reverse();
    this.count = this.c.length * this.b.length;
  }

  /** Smallest difference. */
  first(): number {
    return this.c[0]! - this.b[0]!;
  }

  /** Largest difference. */
  last(): number {
    return this.c[this.c.length - 1]! - this.b[this.b.length - 1]!;
  }

  /** The k-th smallest difference, k = 1 .. m·n (what `sortedDifferences[k - 1]` would hold). */
  kth(k: number): number {
    const { c, b, count } = this;
    if (!(Number.isInteger(k) && k >= 1 && k <= count)) throw new RangeError(`kth: k must be an integer in [1, ${count}], got ${k}`);
    if (k === 1) return this.first();
    if (k === count) return this.last();
    const m = c.length;
    const n = b.length;
    const lo = new Int32Array(m);
    const hi = new Int32Array(m).fill(n);
    const less = new Int32Array(m);
    const atMost = new Int32Array(m);
    // A fixed-seed LCG: any pivot gives the exact answer, randomness only keeps the rounds few.
    let state = k >>> 0;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
    const small = Math.max(m + n, 64);
    for (;;) {
      let active = 0;
      for (let i = 0; i < m; i++) active += hi[i]! - lo[i]!;
      if (active <= small) return this.finish(lo, hi, active, k);

      // Pivot: a uniformly random remaining candidate.
      let r = Math.floor(random() * active);
      let row = 0;
      while (r >= hi[row]! - lo[row]!) {
        r -= hi[row]! - lo[row]!;
        row++;
      }
      const pivot = c[row]! - b[lo[row]! + r]!;

      // Staircase walk from the smallest canary value up: the counts per row only shrink.
      let totalLess = 0;
      let totalAtMost = 0;
      let j = 0;
      let jj = 0;
      for (let i = m - 1; i >= 0; i--) {
        const ci = c[i]!;
        while (j < n && ci - b[j]! < pivot) j++;
        while (jj < n && ci - b[jj]! <= pivot) jj++;
        less[i] = j;
        atMost[i] = jj;
        totalLess += j;
        totalAtMost += jj;
      }
      if (k <= totalLess) for (let i = 0; i < m; i++) hi[i] = Math.min(hi[i]!, less[i]!);
      else if (k > totalAtMost) for (let i = 0; i < m; i++) lo[i] = Math.max(lo[i]!, atMost[i]!);
      else return pivot;
    }
  }

  /** Sort the remaining candidates; everything left of them is smaller than the answer. */
  private finish(lo: Int32Array, hi: Int32Array, active: number, k: number): number {
    const { c, b } = this;
    const rest = new Float64Array(active);
    let below = 0;
    let t = 0;
    for (let i = 0; i < c.length; i++) {
      below += lo[i]!;
      for (let j = lo[i]!; j < hi[i]!; j++) rest[t++] = c[i]! - b[j]!;
    }
    rest.sort();
    return rest[k - below - 1]!;
  }

  /** Quantile of the differences with type-7 interpolation, as `quantileSorted` of the sorted differences. */
  quantile(q: number): number {
    const h = (this.count - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    const a = this.kth(lo + 1);
    if (lo === hi) return a;
    const b = this.kth(hi + 1);
    return a === b ? a : a + (h - lo) * (b - a);
  }
}
