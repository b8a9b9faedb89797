import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  LABELS,
  LATENCY_BUCKETS_SECONDS,
  METRICS,
  promName,
  statusClassOf,
  UNAUTHENTICATED_CONSUMER,
  UNKNOWN_DIMENSION,
  type Gateway,
  type LabelKey,
  type MetricKey,
} from '@api-observatory/telemetry-contract';
import type { ApiDef, Consumer, Deployment, RouteDef } from './catalog';
import { COUNTRIES } from './catalog';
import { findProfile } from './profiles';
import type { GatewayProfile } from './profiles/types';
import { escapeExpositionValue, formatNumber } from './prom-registry';
import { hash32, Rng } from './prng';
import { consumerUsesApi, diurnalFactor, TrafficGenerator, type SimRequest, type TrafficOptions } from './traffic';

/**
 * OpenMetrics backfill in the contract's normalized names and labels (what the collector would have
 * written), for `promtool tsdb create-blocks-from openmetrics`. Streams family by family, series by
 * series, each series' samples in increasing timestamp order (histogram buckets, count and sum of one
 * timestamp together), timestamps in seconds, terminated by `# EOF`. Only one series is in memory.
 */

export interface BackfillOptions extends Partial<TrafficOptions> {
  gateways: readonly Gateway[];
  /** Version profile per gateway, whose scrape buckets the latency histograms keep; default the newest. */
  versions?: Partial<Record<Gateway, string>>;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Requests per second across all gateways and APIs (before the diurnal shape). */
  rps?: number;
  /** Minimum number of series; consumers and countries per consumer are scaled up to reach it. */
  seriesTarget?: number;
  onProgress?: (p: BackfillProgress) => void;
  progressIntervalMs?: number;
}

export interface BackfillProgress {
  seriesWritten: number;
  seriesTotal: number;
  samplesWritten: number;
  bytesWritten: number;
  done: boolean;
}

export interface BackfillResult {
  series: number;
  samples: number;
  bytes: number;
  steps: number;
  consumers: number;
  countriesPerConsumer: number;
  metrics: string[];
}

/** One unit of traffic: a route of a deployment on a gateway. */
interface Workload {
  gateway: Gateway;
  api: ApiDef;
  deployment: Deployment;
  route: RouteDef;
  /** Expected requests per second (before diurnal). */
  rate: number;
  serverErrorRate: number;
  latencyFactor: number;
  sigma: number;
}

interface CallStream extends Identity {
  consumer: Consumer;
  code: number;
  country: string;
  /** Expected requests per second of this stream (before diurnal). */
  rate: number;
}

/** Consumer, plan and tenant labels of a stream's requests as the collector writes them. */
interface Identity {
  /** `consumer` of the scraped metrics: the gateway's consumer label, or UNAUTHENTICATED_CONSUMER when empty. */
  metricConsumer: string;
  /** `consumer`, `plan`, `tenant` of the span metrics: the consumer's only where the span carries it. */
  spanConsumer: string;
  plan: string;
  tenant: string;
}

/**
 * Who the gateway identified, decided as the live simulator decides it: the profile's metric consumer and
 * span identity. A 401 is the authentication plugin rejecting the credentials (no consumer anywhere); on
 * APISIX no gateway-generated response reaches the span enrichment.
 */
function identityOf(profile: GatewayProfile, consumer: Consumer, status: number, gatewayGenerated: boolean): Identity {
  // The profiles read only these fields of a request.
  const r = { consumer, status, gatewayGenerated } satisfies Pick<SimRequest, 'consumer' | 'status' | 'gatewayGenerated'> as SimRequest;
  const seen = profile.spanIdentity(r) === 'consumer';
  return {
    metricConsumer: profile.metricConsumer(r) || UNAUTHENTICATED_CONSUMER,
    spanConsumer: seen ? consumer.name : UNAUTHENTICATED_CONSUMER,
    plan: seen ? consumer.plan : UNKNOWN_DIMENSION,
    tenant: seen ? consumer.tenant : UNKNOWN_DIMENSION,
  };
}

const BACKFILL_METRICS: readonly MetricKey[] = ['requests', 'requestDuration', 'upstreamDuration', 'gatewayDuration', 'bandwidth', 'trafficCalls', 'trafficDuration'];

type ScrapeHistogram = 'requestDuration' | 'upstreamDuration' | 'gatewayDuration';
type BucketsOf = (metric: ScrapeHistogram, gateway: Gateway) => readonly number[];

/** Scrape histogram bounds in seconds: the gateway profile's millisecond buckets, as the collector scales them. */
function scrapeBucketsOf(versions: Partial<Record<Gateway, string>> | undefined): BucketsOf {
  return (metric, gateway) => findProfile(gateway, versions?.[gateway]).latencyBucketsMs[metric].map((b) => b / 1000);
}

/** Probability of each status code of a route's requests (summing to 1), with whether the gateway generated it. */
function codeProbabilities(api: ApiDef, route: RouteDef, serverErrorRate: number): Array<{ code: number; p: number; gatewayGenerated: boolean }> {
  const okRate = 1 - api.gatewayRejectRate - serverErrorRate - api.clientErrorRate;
  return codesFor(route).map(({ code, kind, weight }) => ({
    code,
    p: kind === 'ok' ? okRate : kind === 'client' ? api.clientErrorRate * weight : kind === 'reject' ? api.gatewayRejectRate * weight : serverErrorRate * weight,
    gatewayGenerated: kind === 'reject',
  }));
}

/**
 * Expected share of a consumer's requests to an API through a gateway (default: its newest profile) whose
 * spans carry no consumer, so that the collector writes UNAUTHENTICATED_CONSUMER and UNKNOWN_DIMENSION plan
 * and tenant: of all its requests (`calls`) and of those answered 5xx (`serverErrors`, also a share of all
 * its requests), in the healthy scenario. For ground truths computed from the catalog.
 */
export function unidentifiedSpanShare(gateway: Gateway, api: ApiDef, consumer: Consumer, version?: string): { calls: number; serverErrors: number } {
  const profile = findProfile(gateway, version);
  const routeTotal = api.routes.reduce((s, r) => s + r.weight, 0);
  let calls = 0;
  let serverErrors = 0;
  for (const route of api.routes) {
    for (const { code, p, gatewayGenerated } of codeProbabilities(api, route, api.serverErrorRate)) {
      if (identityOf(profile, consumer, code, gatewayGenerated).spanConsumer === consumer.name) continue;
      calls += (route.weight / routeTotal) * p;
      if (code >= 500) serverErrors += (route.weight / routeTotal) * p;
    }
  }
  return { calls, serverErrors };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

function logNormalCdf(x: number, median: number, sigma: number): number {
  return x <= 0 ? 0 : normalCdf(Math.log(x / median) / sigma);
}

function codesFor(route: RouteDef): Array<{ code: number; kind: 'ok' | 'client' | 'reject' | 'server'; weight: number }> {
  const ok = route.method === 'POST' && !route.name.endsWith('-cancel') ? 201 : route.method === 'DELETE' ? 204 : 200;
  const client = route.method === 'GET' ? [[404, 0.8], [400, 0.2]] : [[400, 0.4], [404, 0.2], [409, 0.15], [422, 0.25]];
  return [
    { code: ok, kind: 'ok', weight: 1 },
    ...client.map(([code, w]) => ({ code: code!, kind: 'client' as const, weight: w! })),
    { code: 401, kind: 'reject', weight: 0.5 },
    { code: 403, kind: 'reject', weight: 0.15 },
    { code: 429, kind: 'reject', weight: 0.35 },
    { code: 500, kind: 'server', weight: 0.3 },
    { code: 502, kind: 'server', weight: 0.25 },
    { code: 503, kind: 'server', weight: 0.3 },
    { code: 504, kind: 'server', weight: 0.15 },
  ];
}

/**
 * The countries a consumer calls from in the backfill and each one's share of its calls: its home
 * country only, or (when a series target scales countries up) the home country with 0.75 and the
 * others, picked by hash, splitting 0.25. Exported so that tests can compute the expected country split.
 */
export function consumerCountries(consumer: Pick<Consumer, 'name' | 'homeCountry'>, countriesPerConsumer: number): Array<{ country: string; share: number }> {
  const countryCodes = COUNTRIES.map((c) => c[0]);
  const countries = [consumer.homeCountry];
  for (let k = 1; countries.length < countriesPerConsumer && k < countryCodes.length * 2; k++) {
    const c = countryCodes[hash32(`${consumer.name}|country|${k}`) % countryCodes.length]!;
    if (!countries.includes(c)) countries.push(c);
  }
  return countries.map((country, idx) => ({ country, share: countries.length === 1 ? 1 : idx === 0 ? 0.75 : 0.25 / (countries.length - 1) }));
}

class BackfillPlan {
  readonly workloads: Workload[] = [];
  readonly streams = new Map<Workload, CallStream[]>();
  constructor(
    readonly gen: TrafficGenerator,
    gateways: readonly Gateway[],
    versions: Partial<Record<Gateway, string>> | undefined,
    rps: number,
    countriesPerConsumer: number,
    private readonly scrapeBuckets: BucketsOf,
  ) {
    const { apis, consumers } = gen.catalog;
    const apiTotal = apis.reduce((s, a) => s + a.weight, 0);
    const effects = gen.effects;
    for (const gateway of gateways) {
      const profile = findProfile(gateway, versions?.[gateway]);
      for (const api of apis) {
        const routeTotal = api.routes.reduce((s, r) => s + r.weight, 0);
        for (const deployment of api.deployments) {
          if (deployment.share <= 0) continue;
          for (const route of api.routes) {
            const rate = (rps / gateways.length) * (api.weight / apiTotal) * deployment.share * (route.weight / routeTotal);
            const canary = deployment.role === 'canary';
            const w: Workload = {
              gateway,
              api,
              deployment,
              route,
              rate,
              serverErrorRate: api.serverErrorRate + (canary ? effects.canaryExtraErrorRate : 0),
              latencyFactor: canary ? effects.canaryLatencyFactor : 1,
              sigma: api.upstreamSigma * (deployment.role === 'baseline' ? effects.baselineNoise : 1),
            };
            this.workloads.push(w);
            const users = consumers.filter((c) => consumerUsesApi(gen.options.seed, c.name, api.name));
            const userTotal = users.reduce((s, c) => s + c.weight, 0);
            const codes = codeProbabilities(api, route, w.serverErrorRate);
            const streams: CallStream[] = [];
            for (const consumer of users) {
              const countries = consumerCountries(consumer, countriesPerConsumer);
              for (const { code, p, gatewayGenerated } of codes) {
                const identity = identityOf(profile, consumer, code, gatewayGenerated);
                for (const { country, share } of countries) streams.push({ consumer, code, country, rate: rate * (consumer.weight / userTotal) * p * share, ...identity });
              }
            }
            this.streams.set(w, streams);
          }
        }
      }
    }
  }

  /** Number of series each contract metric gets. */
  seriesCount(): number {
    let n = 0;
    for (const w of this.workloads) {
      const streams = this.streams.get(w)!;
      n += groupStreams(streams, requestsKey).size; // requests
      for (const m of ['requestDuration', 'upstreamDuration', 'gatewayDuration'] as const) n += this.scrapeBuckets(m, w.gateway).length + 3;
      n += groupStreams(streams, bandwidthKey).size * 2; // bandwidth
      n += groupStreams(streams, spanKey).size; // trafficCalls
      n += groupStreams(streams, spanDurationKey).size * (LATENCY_BUCKETS_SECONDS.length + 3); // trafficDuration
    }
    return n;
  }
}

/** Streams that end up in one series of a metric: those with the same labels, as the key gives them. */
function groupStreams(streams: readonly CallStream[], key: (s: CallStream) => string): Map<string, CallStream[]> {
  const groups = new Map<string, CallStream[]>();
  for (const s of streams) {
    const k = key(s);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  return groups;
}
const requestsKey = (s: CallStream) => `${s.metricConsumer}|${s.code}`;
const bandwidthKey = (s: CallStream) => s.metricConsumer;
const spanKey = (s: CallStream) => `${s.code}|${s.spanConsumer}|${s.plan}|${s.tenant}|${s.country}`;
/** The span latency histogram has no business dimensions (contract trafficDuration); it keeps the exact status. */
const spanDurationKey = (s: CallStream) => String(s.code);

function labelString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return `{${pairs.map(([k, v]) => `${k}="${escapeExpositionValue(v)}"`).join(',')}}`;
}

/** Contract label names of a metric, in the contract's order. */
function labelNames(metric: MetricKey): string[] {
  return (METRICS[metric].labels as readonly LabelKey[]).map((k) => LABELS[k].label);
}

function workloadPairs(w: Workload): Array<[string, string]> {
  return [
    [LABELS.gateway.label, w.gateway],
    [LABELS.api.label, w.api.name],
    [LABELS.apiVersion.label, w.deployment.version],
    [LABELS.deploymentRole.label, w.deployment.role],
    [LABELS.route.label, w.route.name],
  ];
}

/** Orders label pairs as the contract lists the metric's labels (and checks none is missing). */
function ordered(metric: MetricKey, pairs: Array<[string, string]>): Array<[string, string]> {
  const names = labelNames(metric);
  const byName = new Map(pairs);
  return names.map((n) => {
    const v = byName.get(n);
    if (v === undefined) throw new Error(`backfill: ${promName(METRICS[metric])} lacks label ${n}`);
    return [n, v];
  });
}

function ts(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}

function num(v: number): string {
  return Number.isInteger(v) ? formatNumber(v) : String(Number(v.toPrecision(12)));
}

class Output {
  private chunk: string[] = [];
  private size = 0;
  bytes = 0;
  samples = 0;
  constructor(private readonly out: Writable) {}
  line(s: string): void {
    this.chunk.push(s);
    this.size += s.length + 1;
  }
  sample(s: string): void {
    this.samples++;
    this.line(s);
  }
  async maybeFlush(): Promise<void> {
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const text = this.chunk.join('\n') + '\n';
    this.chunk = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(text);
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

/** Writes the backfill to `out` (does not end it). */
export async function writeBackfill(out: Writable, o: BackfillOptions): Promise<BackfillResult> {
  if (!(o.stepMs > 0)) throw new RangeError('step must be positive');
  if (!(o.endMs > o.startMs)) throw new RangeError('end must be after start');
  const rps = o.rps ?? 200;
  const base: Partial<TrafficOptions> = { ...o, gateways: o.gateways };
  const scrapeBuckets = scrapeBucketsOf(o.versions);
  let consumers = o.consumers ?? 40;
  let countriesPerConsumer = 1;
  let gen = new TrafficGenerator({ ...base, consumers });
  let plan = new BackfillPlan(gen, o.gateways, o.versions, rps, countriesPerConsumer, scrapeBuckets);
  if (o.seriesTarget !== undefined) {
    for (let guard = 0; plan.seriesCount() < o.seriesTarget && guard < 40; guard++) {
      if (countriesPerConsumer < 3) countriesPerConsumer++;
      else consumers = Math.ceil(consumers * 1.5);
      gen = new TrafficGenerator({ ...base, consumers });
      plan = new BackfillPlan(gen, o.gateways, o.versions, rps, countriesPerConsumer, scrapeBuckets);
    }
  }
  const seriesTotal = plan.seriesCount();
  const steps: number[] = [];
  // Align to the step so timestamps are whole multiples of it (whole seconds for second steps).
  for (let t = Math.ceil(o.startMs / o.stepMs) * o.stepMs; t <= o.endMs; t += o.stepMs) steps.push(t);
  if (steps.length === 0) throw new RangeError('no sample time between start and end at this step');
  const diurnal = steps.map((t) => diurnalFactor(t));
  const stepSeconds = o.stepMs / 1000;
  const seed = gen.options.seed;
  const w = new Output(out);
  let seriesWritten = 0;
  let lastProgress = Date.now();
  const progress = (done: boolean) => {
    o.onProgress?.({ seriesWritten, seriesTotal, samplesWritten: w.samples, bytesWritten: w.bytes, done });
  };
  const tickProgress = async (n: number) => {
    seriesWritten += n;
    await w.maybeFlush();
    if (o.onProgress && Date.now() - lastProgress >= (o.progressIntervalMs ?? 1000)) {
      lastProgress = Date.now();
      progress(false);
    }
  };

  /** Per-step increments of one call stream; identical for every metric derived from it. */
  const callIncrements = (wl: Workload, s: CallStream): number[] => {
    const rng = Rng.derive(seed, `calls|${wl.gateway}|${wl.deployment.service}|${wl.route.name}|${s.consumer.name}|${s.code}|${s.country}`);
    return diurnal.map((d, i) => (i === 0 ? 0 : rng.poisson(s.rate * d * stepSeconds)));
  };

  const family = (metric: MetricKey) => {
    const def = METRICS[metric];
    const name = promName(def);
    const familyName = def.type === 'counter' ? name.replace(/_total$/, '') : name;
    w.line(`# HELP ${familyName} ${def.description}`);
    w.line(`# TYPE ${familyName} ${def.type}`);
    return name;
  };

  const writeCounter = (name: string, labels: string, increments: readonly number[]) => {
    let v = 0;
    for (let i = 0; i < steps.length; i++) {
      v += increments[i]!;
      w.sample(`${name}${labels} ${num(v)} ${ts(steps[i]!)}`);
    }
  };

  const writeHistogram = (name: string, pairs: Array<[string, string]>, bounds: readonly number[], counts: readonly number[], median: number, sigma: number) => {
    const fractions = bounds.map((b) => logNormalCdf(b, median, sigma));
    const mean = median * Math.exp((sigma * sigma) / 2);
    const cum = new Array<number>(bounds.length).fill(0);
    let count = 0;
    let sum = 0;
    const bucketLabels = [...bounds.map((b) => labelString([...pairs, ['le', num(b)]])), labelString([...pairs, ['le', '+Inf']])];
    const plain = labelString(pairs);
    for (let i = 0; i < steps.length; i++) {
      const c = counts[i]!;
      for (let b = 0; b < bounds.length; b++) cum[b]! += Math.round(c * fractions[b]!);
      count += c;
      sum += c * mean;
      const t = ts(steps[i]!);
      for (let b = 0; b < bounds.length; b++) w.sample(`${name}_bucket${bucketLabels[b]} ${cum[b]} ${t}`);
      w.sample(`${name}_bucket${bucketLabels[bounds.length]} ${count} ${t}`);
      w.sample(`${name}_count${plain} ${count} ${t}`);
      w.sample(`${name}_sum${plain} ${num(sum)} ${t}`);
    }
  };

  const sumArrays = (arrays: number[][]): number[] => {
    const out = new Array<number>(steps.length).fill(0);
    for (const a of arrays) for (let i = 0; i < out.length; i++) out[i]! += a[i]!;
    return out;
  };

  const latencyOf = (wl: Workload, metric: 'requestDuration' | 'upstreamDuration' | 'gatewayDuration' | 'trafficDuration') => {
    const up = (wl.api.upstreamMedianMs * wl.route.latencyFactor * wl.latencyFactor) / 1000;
    if (metric === 'gatewayDuration') return { median: 0.0016, sigma: 0.55 };
    if (metric === 'upstreamDuration') return { median: up, sigma: wl.sigma };
    return { median: up + 0.0016, sigma: wl.sigma };
  };

  for (const metric of BACKFILL_METRICS) {
    const name = family(metric);
    for (const wl of plan.workloads) {
      const streams = plan.streams.get(wl)!;
      const base = workloadPairs(wl);
      switch (metric) {
        case 'requests': {
          for (const group of groupStreams(streams, requestsKey).values()) {
            const s0 = group[0]!;
            const pairs = ordered(metric, [
              ...base,
              [LABELS.consumer.label, s0.metricConsumer],
              [LABELS.statusCode.label, String(s0.code)],
              [LABELS.statusClass.label, statusClassOf(s0.code)],
            ]);
            writeCounter(name, labelString(pairs), sumArrays(group.map((s) => callIncrements(wl, s))));
            await tickProgress(1);
          }
          break;
        }
        case 'requestDuration':
        case 'upstreamDuration':
        case 'gatewayDuration': {
          const rng = Rng.derive(seed, `scrape|${metric}|${wl.gateway}|${wl.deployment.service}|${wl.route.name}`);
          const rate = metric === 'upstreamDuration' ? wl.rate * (1 - wl.api.gatewayRejectRate) : wl.rate;
          const counts = diurnal.map((d, i) => (i === 0 ? 0 : rng.poisson(rate * d * stepSeconds)));
          const { median, sigma } = latencyOf(wl, metric);
          const bounds = scrapeBuckets(metric, wl.gateway);
          writeHistogram(name, ordered(metric, base), bounds, counts, median, sigma);
          await tickProgress(bounds.length + 3);
          break;
        }
        case 'bandwidth': {
          for (const [consumer, group] of groupStreams(streams, bandwidthKey)) {
            const calls = sumArrays(group.map((s) => callIncrements(wl, s)));
            for (const direction of ['ingress', 'egress'] as const) {
              const perCall = direction === 'ingress' ? 450 + wl.route.requestBodyBytes : 270 + wl.route.responseBytes;
              const pairs = ordered(metric, [...base, [LABELS.consumer.label, consumer], [LABELS.direction.label, direction]]);
              writeCounter(name, labelString(pairs), calls.map((c) => c * perCall));
              await tickProgress(1);
            }
          }
          break;
        }
        case 'trafficCalls':
        case 'trafficDuration': {
          for (const group of groupStreams(streams, metric === 'trafficCalls' ? spanKey : spanDurationKey).values()) {
            const s = group[0]!;
            const pairs = ordered(metric, [
              ...base,
              [LABELS.method.label, wl.route.method],
              [LABELS.statusCode.label, String(s.code)],
              [LABELS.statusClass.label, statusClassOf(s.code)],
              [LABELS.consumer.label, s.spanConsumer],
              [LABELS.plan.label, s.plan],
              [LABELS.tenant.label, s.tenant],
              [LABELS.country.label, s.country],
            ]);
            const inc = sumArrays(group.map((x) => callIncrements(wl, x)));
            if (metric === 'trafficCalls') {
              writeCounter(name, labelString(pairs), inc);
              await tickProgress(1);
            } else {
              const { median, sigma } = latencyOf(wl, metric);
              writeHistogram(name, pairs, LATENCY_BUCKETS_SECONDS, inc, median, sigma);
              await tickProgress(LATENCY_BUCKETS_SECONDS.length + 3);
            }
          }
          break;
        }
        default:
          throw new Error(`backfill: no generator for ${metric}`);
      }
    }
  }
  w.line('# EOF');
  await w.flush();
  progress(true);
  return {
    series: seriesWritten,
    samples: w.samples,
    bytes: w.bytes,
    steps: steps.length,
    consumers,
    countriesPerConsumer,
    metrics: BACKFILL_METRICS.map((m) => promName(METRICS[m])),
  };
}
