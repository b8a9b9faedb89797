/**
 * Ground truth from the simulator's seeded model (its catalog and the backfill's rate formula), to
 * check the product dashboard's KPIs independently of Prometheus.
 *
 * The backfill gives each (gateway, API, deployment, route, consumer, status code, country) stream the
 * expected rate  rps/G · w_api/Σw_api · share_deployment · w_route/Σw_route · w_consumer/Σw_users(api) ·
 * p_code · share_country,  where the users of an API are the consumers `consumerUsesApi` selects, the
 * status-code probabilities sum to 1 and share_country is the consumer's share of calls from that
 * country (`consumerCountries`: its home country only, or, when a series target scales countries up,
 * the home country with 0.75 and the others splitting 0.25). Summed over everything but the consumer, a
 * consumer's share of all traffic is Σ_api w_api/Σw_api · w_consumer/Σw_users(api) (APIs without users
 * get no traffic), from which plan and country shares follow; its 5xx share is the API's
 * serverErrorRate (healthy scenario). Traffic is split evenly over the gateways, and the part of a
 * consumer's calls whose spans carry no consumer on a gateway (`unidentifiedSpanShare`: 401s, and on APISIX
 * every gateway-generated response) is the pseudo-consumer UNAUTHENTICATED_CONSUMER's, with plan and tenant
 * UNKNOWN_DIMENSION, as the collector writes them.
 */
import { UNAUTHENTICATED_CONSUMER, UNKNOWN_DIMENSION } from '@api-observatory/telemetry-contract';
import { consumerCountries, consumerUsesApi, diurnalFactor, unidentifiedSpanShare, type TrafficGenerator } from '@api-observatory/traffic-simulator';

export interface ConsumerTruth {
  name: string;
  plan: string;
  tenant: string;
  /** Home country (for UNAUTHENTICATED_CONSUMER: the country most of its calls come from). */
  country: string;
  /** Countries the consumer calls from, with their share of its calls (summing to 1). */
  countries: Array<{ country: string; share: number }>;
  /** Share of all span-derived calls (sums to 1 over consumers). */
  share: number;
  /** Expected share of this consumer's calls answered 5xx. */
  errorShare: number;
}

/** `countriesPerConsumer`: as the backfill reported it (BackfillResult.countriesPerConsumer). */
export function consumerTruth(gen: TrafficGenerator, countriesPerConsumer = 1): ConsumerTruth[] {
  const { apis, consumers } = gen.catalog;
  const seed = gen.options.seed;
  const gateways = gen.options.gateways;
  const used = apis.map((api) => ({ api, users: consumers.filter((c) => consumerUsesApi(seed, c.name, api.name)) })).filter((a) => a.users.length > 0);
  const apiTotal = used.reduce((s, a) => s + a.api.weight, 0);
  const share = new Map<string, number>();
  const errors = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  /** Calls without a consumer in their spans, per country. */
  const unidentified = new Map<string, number>();
  let unidentifiedErrors = 0;
  for (const { api, users } of used) {
    const userTotal = users.reduce((s, c) => s + c.weight, 0);
    for (const c of users) {
      const countries = consumerCountries(c, countriesPerConsumer);
      for (const gateway of gateways) {
        const x = (api.weight / apiTotal) * (c.weight / userTotal) / gateways.length;
        const lost = unidentifiedSpanShare(gateway, api, c);
        add(share, c.name, x * (1 - lost.calls));
        add(errors, c.name, x * (api.serverErrorRate - lost.serverErrors));
        for (const { country, share: s } of countries) add(unidentified, country, x * lost.calls * s);
        unidentifiedErrors += x * lost.serverErrors;
      }
    }
  }
  const identified: ConsumerTruth[] = consumers
    .filter((c) => (share.get(c.name) ?? 0) > 0)
    .map((c) => ({
      name: c.name,
      plan: c.plan,
      tenant: c.tenant,
      country: c.homeCountry,
      countries: consumerCountries(c, countriesPerConsumer),
      share: share.get(c.name)!,
      errorShare: errors.get(c.name)! / share.get(c.name)!,
    }));
  const unidentifiedShare = [...unidentified.values()].reduce((s, v) => s + v, 0);
  if (unidentifiedShare === 0) return identified;
  const countries = [...unidentified].map(([country, v]) => ({ country, share: v / unidentifiedShare })).sort((a, b) => b.share - a.share);
  return [
    ...identified,
    {
      name: UNAUTHENTICATED_CONSUMER,
      plan: UNKNOWN_DIMENSION,
      tenant: UNKNOWN_DIMENSION,
      country: countries[0]!.country,
      countries,
      share: unidentifiedShare,
      errorShare: unidentifiedErrors / unidentifiedShare,
    },
  ];
}

/** Share of all calls per country (summing to 1), over every country each consumer calls from. */
export function countryShares(truth: readonly ConsumerTruth[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of truth) for (const { country, share } of c.countries) m.set(country, (m.get(country) ?? 0) + c.share * share);
  return m;
}

/** Shares grouped by a key (plan, country, tenant), summing to 1. */
export function sharesBy(truth: readonly ConsumerTruth[], key: (c: ConsumerTruth) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of truth) m.set(key(c), (m.get(key(c)) ?? 0) + c.share);
  return m;
}

/** Expected 5xx share of a plan's calls. */
export function planErrorShare(truth: readonly ConsumerTruth[], plan: string): number {
  const cs = truth.filter((c) => c.plan === plan);
  const total = cs.reduce((s, c) => s + c.share, 0);
  return cs.reduce((s, c) => s + c.share * c.errorShare, 0) / total;
}

function poissonCdf(k: number, lambda: number): number {
  if (k < 0) return 0;
  if (lambda > 500) {
    // Normal approximation with continuity correction.
    const z = (k + 0.5 - lambda) / Math.sqrt(lambda);
    return 0.5 * (1 + erf(z / Math.SQRT2));
  }
  let term = Math.exp(-lambda);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export interface SlaExpectation {
  expected: number;
  /** Standard deviation of the attainment (independent, non-overlapping windows). */
  sd: number;
  evaluations: number;
}

/**
 * Expected SLA attainment of a plan for `avg_over_time((good/all >= bool objective)[range:resolution])`
 * evaluated at `atMs`: Prometheus evaluates the inner expression at multiples of the resolution within
 * (at − range, at]; each evaluation's rate window holds the samples in (t − window, t], i.e. the requests
 * of (samples − 1) steps. With N such requests the 5xx count is Poisson(N·p), and the window meets the
 * objective when it is at most (1 − objective)·N.
 */
export function expectedSlaAttainment(o: {
  planShare: number;
  errorShare: number;
  objective: number;
  rps: number;
  dataStartMs: number;
  dataEndMs: number;
  stepMs: number;
  atMs: number;
  rangeMs: number;
  windowMs: number;
  resolutionMs: number;
}): SlaExpectation {
  const ps: number[] = [];
  const firstSample = Math.ceil(o.dataStartMs / o.stepMs) * o.stepMs;
  for (let t = Math.floor(o.atMs / o.resolutionMs) * o.resolutionMs; t > o.atMs - o.rangeMs; t -= o.resolutionMs) {
    const lo = Math.max(firstSample, Math.floor((t - o.windowMs) / o.stepMs) * o.stepMs + o.stepMs);
    const hi = Math.min(Math.floor(t / o.stepMs) * o.stepMs, o.dataEndMs);
    const samples = hi >= lo ? Math.floor((hi - lo) / o.stepMs) + 1 : 0;
    if (samples < 2) continue;
    const seconds = ((samples - 1) * o.stepMs) / 1000;
    const n = o.rps * o.planShare * diurnalFactor(t) * seconds;
    ps.push(poissonCdf(Math.floor((1 - o.objective) * n), n * o.errorShare));
  }
  const k = ps.length;
  const expected = ps.reduce((s, p) => s + p, 0) / k;
  const sd = Math.sqrt(ps.reduce((s, p) => s + p * (1 - p), 0)) / k;
  return { expected, sd, evaluations: k };
}
