/** Descriptive statistics on finite samples. Every function expects a non-empty array of finite numbers. */

function assertNonEmpty(xs: readonly number[], fn: string): void {
  if (xs.length === 0) throw new RangeError(`${fn}() of an empty sample`);
}

/** Ascending copy of a sample. */
export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Quantile with linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  assertNonEmpty(xs, 'quantile');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1], got ${q}`);
  return quantileSorted(sorted(xs), q);
}

/** Same as {@link quantile} on an already ascending sample. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = s[lo] as number;
  const b = s[hi] as number;
  // Equal neighbours need no interpolation; for infinite ones it would give Infinity - Infinity = NaN.
  return lo === hi || a === b ? a : a + (h - lo) * (b - a);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export function mean(xs: readonly number[]): number {
  assertNonEmpty(xs, 'mean');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function min(xs: readonly number[]): number {
  assertNonEmpty(xs, 'min');
  return xs.reduce((a, b) => (b < a ? b : a));
}

export function max(xs: readonly number[]): number {
  assertNonEmpty(xs, 'max');
  return xs.reduce((a, b) => (b > a ? b : a));
}
