import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';

/** Standard normal cumulative distribution function P(Z <= z). */
export function normalCdf(z: number): number {
  return normalCdfImpl(z, 0, 1);
}

/** Standard normal upper tail P(Z > z), computed without cancellation for large z. */
export function normalSf(z: number): number {
  return normalCdfImpl(-z, 0, 1);
}

/** Standard normal quantile: the z with P(Z <= z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  return normalQuantileImpl(p, 0, 1);
}
