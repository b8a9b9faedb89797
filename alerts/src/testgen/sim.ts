import { BASE_WINDOW, BURN_RATE_TIERS, SLO_WINDOWS, burnConditionHolds, type BurnRateTier, type SloWindow } from '@api-observatory/telemetry-contract';

/**
 * A small, exact re-implementation of how Prometheus evaluates the pack's SLO rule chain on promtool's
 * input series, so the tests can assert the minute an alert starts firing instead of guessing margins:
 *
 *   rate5m      = Prometheus' extrapolatedRate over (t−5m, t]           (per series, then summed)
 *   errors5m    = Σ rate5m(bad)            | rate5m(all) − Σ rate5m(good)
 *   ratio_rateW = avg_over_time(errors5m[W]) / avg_over_time(requests5m[W])   (W > 5m)
 *   alert(tier) = ratio(long) > k·(1−SLO) and ratio(short) > k·(1−SLO)        (no `for`)
 *
 * Rules are evaluated every `evalSeconds` from t=0 like promtool does; input samples are every `scrapeSeconds`.
 */

export const seconds = (d: string): number => {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || d === '') throw new RangeError(`unsupported duration ${d}`);
  return (Number(m[1] ?? 0) * 86400) + (Number(m[2] ?? 0) * 3600) + (Number(m[3] ?? 0) * 60) + Number(m[4] ?? 0);
};

/** Expands promtool's series notation as its parser does (`a`, `a+bxn` with iterative addition, `_`). */
export function expandValues(notation: string): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  for (const tok of notation.trim().split(/\s+/)) {
    if (tok === '_') {
      out.push(undefined);
      continue;
    }
    const m = /^(-?[0-9.e+-]+?)(?:([+-])([0-9.e+-]+)x(\d+))?$/.exec(tok);
    if (!m) throw new RangeError(`unsupported series notation token ${tok}`);
    let v = Number(m[1]);
    if (!m[2]) {
      out.push(v);
      continue;
    }
    const step = Number(m[3]) * (m[2] === '-' ? -1 : 1);
    const n = Number(m[4]);
    for (let j = 0; j <= n; j++) {
      out.push(v);
      v += step;
    }
  }
  return out;
}

/** Prometheus 3 `rate(x[range])` at time t (seconds) of a series sampled every `scrape` seconds from 0. */
export function promRate(values: ReadonlyArray<number | undefined>, scrape: number, t: number, range: number): number | undefined {
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < values.length; k++) {
    const ts = k * scrape;
    const v = values[k];
    if (ts > t - range && ts <= t && v !== undefined) pts.push([ts, v]);
  }
  if (pts.length < 2) return undefined;
  const [firstT, firstV] = pts[0]!;
  const [lastT, lastV] = pts[pts.length - 1]!;
  let result = lastV - firstV;
  let prev = firstV;
  for (const [, v] of pts.slice(1)) {
    if (v < prev) result += prev;
    prev = v;
  }
  let toStart = firstT - (t - range);
  let toEnd = t - lastT;
  const sampled = lastT - firstT;
  const avg = sampled / (pts.length - 1);
  const threshold = avg * 1.1;
  if (toStart >= threshold) toStart = avg / 2;
  let toZero = toStart;
  if (result > 0 && firstV >= 0) toZero = sampled * (firstV / result);
  if (toZero < toStart) toStart = toZero;
  if (toEnd >= threshold) toEnd = avg / 2;
  const factor = (sampled + toStart + toEnd) / sampled / range;
  return result * factor;
}

/** The SLI inputs of one API: request counters, and bad counters (availability) or good counters (latency). */
export interface SliInput {
  /** Counters whose rates sum to the SLI's requests (status classes, or the +Inf bucket). */
  total: string[];
  bad?: string[];
  good?: string[];
}

export interface SimOptions {
  scrapeSeconds: number;
  evalSeconds: number;
  endSeconds: number;
  /** Objective in percent. */
  objective: number;
}

/** Relative distance to a threshold below which Prometheus' and this simulation's float rounding may disagree. */
export const TIE = 1e-9;

export interface SimResult {
  /** Eval times (seconds). */
  times: number[];
  /** Per tier: whether the alert condition holds at each eval time. */
  firing: Record<BurnRateTier['tier'], boolean[]>;
  /** Per window: the error ratio at each eval time (NaN/undefined when there is no data). */
  ratio: Record<SloWindow, Array<number | undefined>>;
  /** First eval time (seconds) each tier fires, or undefined. */
  firstFire: Record<BurnRateTier['tier'], number | undefined>;
  /** Smallest relative distance to a threshold at an evaluation where it decides the alert (guards against float ties). */
  minMargin: number;
}

/** avg_over_time as Prometheus 3 computes it: Kahan-compensated sum, then sum/n + c/n. */
function kahanMean(xs: readonly number[]): number {
  let sum = 0;
  let c = 0;
  for (const x of xs) {
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  return sum / xs.length + c / xs.length;
}

const sumDefined = (xs: Array<number | undefined>): number | undefined => {
  const d = xs.filter((x): x is number => x !== undefined);
  return d.length ? d.reduce((a, b) => a + b, 0) : undefined;
};

export function simulateSli(input: SliInput, o: SimOptions): SimResult {
  const total = input.total.map(expandValues);
  const bad = (input.bad ?? []).map(expandValues);
  const good = (input.good ?? []).map(expandValues);
  const base = seconds(BASE_WINDOW);
  const times: number[] = [];
  const err5: Array<number | undefined> = [];
  const req5: Array<number | undefined> = [];
  const ratio = Object.fromEntries(SLO_WINDOWS.map((w) => [w, [] as Array<number | undefined>])) as SimResult['ratio'];
  const firing = Object.fromEntries(BURN_RATE_TIERS.map((t) => [t.tier, [] as boolean[]])) as SimResult['firing'];
  let minMargin = Infinity;

  for (let t = 0; t <= o.endSeconds; t += o.evalSeconds) {
    times.push(t);
    const req = sumDefined(total.map((v) => promRate(v, o.scrapeSeconds, t, base)));
    let err: number | undefined;
    if (input.bad) {
      // availability: Σ rate(5xx) or 0 * requests
      err = sumDefined(bad.map((v) => promRate(v, o.scrapeSeconds, t, base))) ?? (req === undefined ? undefined : 0 * req);
    } else {
      const g = sumDefined(good.map((v) => promRate(v, o.scrapeSeconds, t, base)));
      err = req === undefined || g === undefined ? undefined : req - g;
    }
    err5.push(err);
    req5.push(req);
    const i = times.length - 1;
    for (const w of SLO_WINDOWS) {
      if (w === BASE_WINDOW) {
        ratio[w].push(err === undefined || req === undefined ? undefined : err / req);
        continue;
      }
      const W = seconds(w);
      const es: number[] = [];
      const rs: number[] = [];
      for (let j = i; j >= 0 && times[j]! > t - W; j--) {
        if (err5[j] !== undefined) es.push(err5[j]!);
        if (req5[j] !== undefined) rs.push(req5[j]!);
      }
      const avg = (xs: number[]) => (xs.length ? kahanMean(xs.reverse()) : undefined);
      const e = avg(es);
      const r = avg(rs);
      ratio[w].push(e === undefined || r === undefined ? undefined : e / r);
    }
    for (const tier of BURN_RATE_TIERS) {
      const thr = tier.factor * (1 - o.objective / 100);
      const l = ratio[tier.longWindow][i];
      const s = ratio[tier.shortWindow][i];
      const on = burnConditionHolds(tier, (w) => ratio[w][i], thr) === true;
      firing[tier.tier].push(on);
      // A value within float noise of the threshold matters only when the other window is (about) above it.
      const near = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? Infinity : Math.abs(v / thr - 1));
      const above = (v: number | undefined) => v !== undefined && v > thr * (1 - TIE);
      if (above(s)) minMargin = Math.min(minMargin, near(l));
      if (above(l)) minMargin = Math.min(minMargin, near(s));
    }
  }
  const firstFire = Object.fromEntries(BURN_RATE_TIERS.map((t) => {
    const k = firing[t.tier].indexOf(true);
    return [t.tier, k < 0 ? undefined : times[k]];
  })) as SimResult['firstFire'];
  return { times, firing, ratio, firstFire, minMargin };
}

/**
 * The continuous model behind the simulation (for the README): errors jump from 0 to a share `e` of
 * constant traffic at t=0 after a long clean history. The 5m rate ramps linearly over 5 minutes; a
 * window W > 5m averages that ramp. Returns the minutes until both windows of a tier exceed the threshold.
 */
export function modelDetectionMinutes(e: number, objective: number, tier: BurnRateTier): number | undefined {
  const thr = tier.factor * (1 - objective / 100);
  if (e <= thr) return undefined;
  const base = seconds(BASE_WINDOW) / 60;
  const R = (x: number) => (x <= 0 ? 0 : x <= base ? (x * x) / (2 * base) : x - base / 2);
  const share = (t: number, w: number) => (w === base ? Math.min(t, base) / base : (R(t) - R(t - w)) / w);
  const cross = (w: number) => {
    let lo = 0;
    let hi = w + base;
    for (let k = 0; k < 100; k++) {
      const mid = (lo + hi) / 2;
      if (e * share(mid, w) > thr) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return Math.max(cross(seconds(tier.longWindow) / 60), cross(seconds(tier.shortWindow) / 60));
}

/** Detection time with raw rate windows (the SRE workbook's formula): (1 − SLO) · factor · W / e. */
export function workbookDetectionMinutes(e: number, objective: number, tier: BurnRateTier): number | undefined {
  const thr = tier.factor * (1 - objective / 100);
  if (e <= thr) return undefined;
  return (thr / e) * (seconds(tier.longWindow) / 60);
}
