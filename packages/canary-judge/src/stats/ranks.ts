/** Ranks with ties and the tie statistics the rank tests need. */

export interface RankResult {
  /** Mid-ranks (1-based; tied values share the mean of their ranks), in input order. */
  ranks: Float64Array;
  /** Sum over tie groups of t^3 - t (0 when all values are distinct). */
  tieTerm: number;
  /** Whether any two values are equal. */
  hasTies: boolean;
}

/** Mid-ranks of a sample, like R's `rank(x)` with the default `ties.method = "average"`. */
export function rankWithTies(values: ArrayLike<number>): RankResult {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const v = values[order[i] as number] as number;
    while (j < n && values[order[j] as number] === v) j++;
    const t = j - i;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k] as number] = midRank;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, tieTerm, hasTies: tieTerm > 0 };
}

/** Sum of t^3 - t over groups of equal values within one sample. */
export function tieTermOf(values: ArrayLike<number>): number {
  return rankWithTies(values).tieTerm;
}
