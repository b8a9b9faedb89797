/**
 * Builds an API's observability summary from Prometheus. Every query is built with the telemetry
 * contract's builders from the entity's annotations (label values escaped by the contract); nothing
 * from the request reaches PromQL except the range, which is a key of RANGES.
 */
import {
  DEFAULT_GATE_CONFIG,
  DEFAULT_INTERVAL,
  DEFAULT_LOOKBACK,
  createPrometheusSource,
  describeDiscovery,
  discoverCanary,
  evaluateCanary,
  parseDuration,
  readReport,
} from '@api-observatory/canary-judge';
import {
  DASHBOARD_UIDS,
  ERROR_STATUS_CLASS,
  LABELS,
  PrometheusClient,
  SLO_LABEL,
  SLO_OBJECTIVE,
  SLO_PERIOD,
  errorRatio,
  grafanaAppLink,
  grafanaDashboardLink,
  grafanaTraceLink,
  jaegerTraceLink,
  latencyQuantile,
  metricSelector,
  oldestSampleTime,
  oneOf,
  recordedSelector,
  requestRate,
  sloErrorRatio,
  topConsumers,
  traceId as normalizeTraceId,
  type Matchers,
  type RangeSeries,
  type Sample,
  type SloWindow,
} from '@api-observatory/telemetry-contract';
import type { ObservabilityConfig } from './config';
import { parseGatewayAnnotation, type ConsumerRow, type DashboardLink, type GatewayBreakdown, type Point, type SloStatus, type Summary, type TraceRequest } from '@api-observatory/backstage-plugin-api-observability-common';

export interface RangeSpec {
  seconds: number;
  stepSeconds: number;
  /** The one rate() window of the range's figures: current KPIs, sparklines and top consumers. */
  window: string;
  windowSeconds: number;
  /** Recorded SLO window read for this range. */
  sloWindow: SloWindow;
}

/** The ranges the API accepts (anything else is a 400). */
export const RANGES: Readonly<Record<string, RangeSpec>> = {
  '15m': { seconds: 900, stepSeconds: 15, window: '1m', windowSeconds: 60, sloWindow: '5m' },
  '1h': { seconds: 3600, stepSeconds: 60, window: '2m', windowSeconds: 120, sloWindow: '1h' },
  '6h': { seconds: 21600, stepSeconds: 300, window: '10m', windowSeconds: 600, sloWindow: '6h' },
  '24h': { seconds: 86400, stepSeconds: 900, window: '30m', windowSeconds: 1800, sloWindow: '6h' },
  '7d': { seconds: 604800, stepSeconds: 3600, window: '2h', windowSeconds: 7200, sloWindow: '3d' },
};
export const DEFAULT_RANGE = '1h';

/** Shortest rate() window used for young data (rate needs two samples). */
const MIN_WINDOW_SECONDS = 30;
/** Resolution of the data-age probe: this many steps over the range's window, but at least every 15 s (younger data than one step is not seen). */
const DATA_AGE_STEPS = 20;
const DATA_AGE_MAX_STEP_SECONDS = 15;
const TOP_CONSUMERS = 10;
const MAX_TRACE_REQUESTS = 20;
/** Canary evaluation: canary-gate's default window (one value per minute over the last 10 minutes). */
const CANARY_INTERVAL_MS = parseDuration(DEFAULT_INTERVAL)!;
const CANARY_LOOKBACK_MS = parseDuration(DEFAULT_LOOKBACK)!;

export interface SummaryInput {
  entity: { kind: string; namespace: string; name: string };
  api: string;
  /** The entity's gateway annotation, one gateway or a comma-separated list; null or empty: every gateway. */
  gateway: string | null;
  range: string;
  now?: Date;
}

const num = (v: string | undefined): number | null => {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Matcher of the entity's gateways: none, one literal value, or any of the literal values. */
function gatewayMatcher(gateways: readonly string[]): Matchers {
  if (gateways.length === 0) return {};
  return { [LABELS.gateway.label]: gateways.length === 1 ? gateways[0]! : oneOf(gateways) };
}

function firstValue(samples: Sample[]): number | null {
  return samples.length ? num(samples[0]!.value[1]) : null;
}

function points(series: RangeSeries[]): Point[] {
  const s = series[0];
  if (!s) return [];
  return s.values.flatMap(([t, v]) => {
    const n = num(v);
    return n === null ? [] : [[t, n] as Point];
  });
}

/** Error ratio points, 0 where there was traffic but no 5xx series at all. */
function fillErrorRatio(errors: Point[], requests: Point[]): Point[] {
  const byTime = new Map(errors.map(([t, v]) => [t, v]));
  return requests.map(([t]) => [t, byTime.get(t) ?? 0] as Point);
}

export class SummaryBuilder {
  private readonly prom: PrometheusClient;

  constructor(private readonly config: ObservabilityConfig) {
    this.prom = new PrometheusClient(config.prometheusUrl, config.queryTimeoutMs);
  }

  async build(input: SummaryInput): Promise<Summary> {
    const spec = RANGES[input.range];
    if (!spec) throw new RangeError(`unknown range ${input.range}`);
    const end = Math.floor((input.now ?? new Date()).getTime() / 1000);
    const gateways = parseGatewayAnnotation(input.gateway ?? undefined);
    const start = end - spec.seconds;
    const filter: Matchers = {
      [LABELS.api.label]: input.api,
      ...gatewayMatcher(gateways),
    };
    const p = this.prom;
    const { window, windowSeconds, dataSince } = await this.window(filter, spec, end);
    const cur = { filter, window };
    const rng = { filter, window };
    const range = (q: string) => p.queryRange(q, start, end, spec.stepSeconds).then(points);

    const [
      rpsNow, errNow, p50Now, p95Now, p99Now,
      rpsSeries, errSeries, p50Series, p95Series, p99Series,
      consumers, exemplars, slo, canary, byGateway,
    ] = await Promise.all([
      p.query(requestRate(cur), end).then(firstValue),
      p.query(errorRatio(cur), end).then(firstValue),
      p.query(latencyQuantile(0.5, 'request', cur), end).then(firstValue),
      p.query(latencyQuantile(0.95, 'request', cur), end).then(firstValue),
      p.query(latencyQuantile(0.99, 'request', cur), end).then(firstValue),
      range(requestRate(rng)),
      range(errorRatio(rng)),
      range(latencyQuantile(0.5, 'request', rng)),
      range(latencyQuantile(0.95, 'request', rng)),
      range(latencyQuantile(0.99, 'request', rng)),
      this.topConsumers(filter, window, end),
      this.recentRequests(input.api, filter, start, end, input.range),
      this.slo(input.api, filter, spec.sloWindow, input.range, end),
      this.canary(input.api, end),
      this.byGateway(gateways, cur, end),
    ]);

    const hasData = rpsNow !== null || rpsSeries.length > 0 || consumers.length > 0 || exemplars.length > 0;
    return {
      state: hasData ? 'ok' : 'no-data',
      entity: input.entity,
      api: input.api,
      gateway: gateways.length ? gateways.join(', ') : null,
      gateways,
      range: { key: input.range, start, end, stepSeconds: spec.stepSeconds, window, windowSeconds, ...(dataSince !== null ? { dataSince } : {}) },
      current: {
        requestsPerSecond: rpsNow,
        errorRatio: errNow ?? (rpsNow !== null && rpsNow > 0 ? 0 : null),
        latencyP50Seconds: p50Now,
        latencyP95Seconds: p95Now,
        latencyP99Seconds: p99Now,
      },
      series: {
        requestsPerSecond: rpsSeries,
        errorRatio: fillErrorRatio(errSeries, rpsSeries),
        latencyP50Seconds: p50Series,
        latencyP95Seconds: p95Series,
        latencyP99Seconds: p99Series,
      },
      byGateway,
      slo,
      topConsumers: consumers,
      recentRequests: exemplars,
      canary,
      links: this.links(input.api, gateways, input.range),
      generatedAt: new Date(end * 1000).toISOString(),
    };
  }

  /**
   * The range's rate window, shortened to the age of the API's data when its request series are
   * younger than the window: a rate over a window the data only partly covers would spread the
   * requests over time in which there was no data (e.g. a sandbox started 5 minutes ago).
   */
  private async window(filter: Matchers, spec: RangeSpec, end: number): Promise<{ window: string; windowSeconds: number; dataSince: number | null }> {
    const full = { window: spec.window, windowSeconds: spec.windowSeconds, dataSince: null };
    const res = Math.max(1, Math.min(DATA_AGE_MAX_STEP_SECONDS, Math.floor(spec.windowSeconds / DATA_AGE_STEPS)));
    const oldest = firstValue(
      await this.prom.query(oldestSampleTime(metricSelector('requests', filter), spec.window, res), end),
    );
    if (oldest === null || oldest <= end - spec.windowSeconds + res) return full;
    const seconds = Math.min(spec.windowSeconds, Math.max(MIN_WINDOW_SECONDS, Math.ceil(end - oldest)));
    return { window: `${seconds}s`, windowSeconds: seconds, dataSince: Math.floor(oldest) };
  }

  /**
   * Current rate, error ratio and p95 per gateway, grouped by the gateway label in Prometheus. Every named
   * gateway gets a row (null figures when it has no data), then any other gateway the filter let through.
   */
  private async byGateway(named: readonly string[], cur: { filter: Matchers; window: string }, end: number): Promise<GatewayBreakdown[]> {
    const by = [LABELS.gateway.label];
    const perGateway = async (q: string) => {
      const m = new Map<string, number | null>();
      for (const s of await this.prom.query(q, end)) m.set(s.metric[LABELS.gateway.label] ?? '', num(s.value[1]));
      return m;
    };
    const [rps, err, p95] = await Promise.all([
      perGateway(requestRate({ ...cur, by })),
      perGateway(errorRatio({ ...cur, by })),
      perGateway(latencyQuantile(0.95, 'request', { ...cur, by })),
    ]);
    const seen = [...rps.keys()].filter((g) => !named.includes(g)).sort();
    return [...named, ...seen].map((gateway) => {
      const r = rps.get(gateway) ?? null;
      return {
        gateway,
        requestsPerSecond: r,
        errorRatio: err.get(gateway) ?? (r !== null && r > 0 ? 0 : null),
        latencyP95Seconds: p95.get(gateway) ?? null,
      };
    });
  }

  private async topConsumers(filter: Matchers, window: string, end: number): Promise<ConsumerRow[]> {
    const q = topConsumers(TOP_CONSUMERS, { filter, by: [LABELS.plan.label], window });
    const rows = await this.prom.query(q, end);
    return rows
      .map((s) => ({
        consumer: s.metric[LABELS.consumer.label] ?? '',
        plan: s.metric[LABELS.plan.label] ?? '',
        requestsPerSecond: num(s.value[1]) ?? 0,
      }))
      .sort((a, b) => b.requestsPerSecond - a.requestsPerSecond);
  }

  /** Failed (5xx) and slow (at or above the exemplars' 95th percentile) requests, newest first, from the span-derived histogram's exemplars. */
  private async recentRequests(api: string, filter: Matchers, start: number, end: number, rangeKey: string): Promise<TraceRequest[]> {
    const series = await this.prom.queryExemplars(metricSelector('trafficDuration', filter, 'bucket'), start, end);
    type Row = Omit<TraceRequest, 'reason' | 'grafanaUrl' | 'jaegerUrl'> & { t: number };
    const rows: Row[] = [];
    const seen = new Set<string>();
    for (const s of series) {
      // The selector already restricts the API; this guards against anything else slipping through.
      if (s.seriesLabels[LABELS.api.label] !== api) continue;
      for (const e of s.exemplars) {
        let id: string;
        try {
          id = normalizeTraceId(e.labels.trace_id ?? '');
        } catch {
          continue;
        }
        const value = num(e.value);
        if (value === null || seen.has(id)) continue;
        seen.add(id);
        rows.push({
          traceId: id,
          t: e.timestamp,
          time: new Date(e.timestamp * 1000).toISOString(),
          durationSeconds: value,
          route: s.seriesLabels[LABELS.route.label] ?? '',
          status: s.seriesLabels[LABELS.statusCode.label] ?? '',
          statusClass: s.seriesLabels[LABELS.statusClass.label] ?? '',
        });
      }
    }
    if (rows.length === 0) return [];
    const sorted = rows.map((r) => r.durationSeconds).sort((a, b) => a - b);
    const slowThreshold = sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!;
    const picked = rows
      .map((r) => ({ r, reason: r.statusClass === ERROR_STATUS_CLASS ? ('failed' as const) : r.durationSeconds >= slowThreshold ? ('slow' as const) : null }))
      .filter((x): x is { r: Row; reason: 'failed' | 'slow' } => x.reason !== null)
      .sort((a, b) => b.r.t - a.r.t)
      .slice(0, MAX_TRACE_REQUESTS);
    const c = this.config;
    const traceRange = { from: `now-${rangeKey}`, to: 'now' };
    return picked.map(({ r: { t: _t, ...r }, reason }) => ({
      ...r,
      reason,
      ...(c.grafanaUrl && c.tempoDatasourceUid
        ? { grafanaUrl: grafanaTraceLink({ grafanaUrl: c.grafanaUrl, tempoUid: c.tempoDatasourceUid, traceId: r.traceId, range: traceRange }) }
        : {}),
      ...(c.jaegerUiUrl ? { jaegerUrl: jaegerTraceLink({ jaegerUrl: c.jaegerUiUrl, traceId: r.traceId }) } : {}),
    }));
  }

  /**
   * SLOs: the recorded objective and SLI error ratio of the pack's rules when Prometheus has them,
   * otherwise the availability SLI computed from the raw counters against the configured default objective.
   */
  private async slo(api: string, filter: Matchers, sloWindow: SloWindow, rangeKey: string, end: number): Promise<SloStatus[]> {
    const objectives = await this.prom.query(recordedSelector(SLO_OBJECTIVE, { [LABELS.api.label]: api }), end);
    const out: SloStatus[] = [];
    for (const o of objectives) {
      const sli = o.metric[SLO_LABEL];
      const objective = num(o.value[1]);
      if (!sli || objective === null || !(objective > 0 && objective < 1)) continue;
      const ratio = firstValue(await this.prom.query(recordedSelector(sloErrorRatio(sloWindow), { [LABELS.api.label]: api, [SLO_LABEL]: sli }), end));
      if (ratio === null) continue;
      out.push(sloStatus(sli, 'recorded', objective, ratio, sloWindow));
    }
    if (!out.some((s) => s.sli === 'availability')) {
      const recordedObjective = objectives.find((o) => o.metric[SLO_LABEL] === 'availability');
      const objective = num(recordedObjective?.value[1]) ?? this.config.defaultObjective;
      const [ratio, rps] = await Promise.all([
        this.prom.query(errorRatio({ filter, window: rangeKey }), end).then(firstValue),
        this.prom.query(requestRate({ filter, window: rangeKey }), end).then(firstValue),
      ]);
      const r = ratio ?? (rps !== null && rps > 0 ? 0 : null);
      out.unshift(sloStatus('availability', 'computed', objective, r, rangeKey));
    }
    return out;
  }

  /**
   * A canary runs when the API had deployment_role="canary" traffic over the gate's lookback (canary-gate's
   * discovery); then the canary judge evaluates it as `canary-gate evaluate` would.
   */
  private async canary(api: string, end: number): Promise<Summary['canary']> {
    const at = new Date(end * 1000);
    const found = await discoverCanary(this.prom, api, { lookbackMs: CANARY_LOOKBACK_MS, end: at });
    if (found.kind === 'no-canary') return null;
    const status: NonNullable<Summary['canary']> = {
      running: true,
      canaryVersion: found.canaryVersion,
      baselineVersion: found.kind === 'found' ? found.baselineVersion : null,
      canaryRequestsPerSecond: found.canaries[0]!.requestsPerSecond,
    };
    if (found.kind === 'no-baseline') return { ...status, error: describeDiscovery(found) };
    try {
      const report = await evaluateCanary(
        { api, canary: found.canaryVersion, baseline: found.baselineVersion, interval: DEFAULT_INTERVAL, lookback: DEFAULT_LOOKBACK, intervalMs: CANARY_INTERVAL_MS, lookbackMs: CANARY_LOOKBACK_MS },
        { source: createPrometheusSource(this.config.prometheusUrl, { timeoutMs: this.config.queryTimeoutMs }), config: DEFAULT_GATE_CONFIG, now: () => at },
      );
      const reading = readReport(report);
      return {
        ...status,
        decision: report.decision,
        classification: report.verdict.classification,
        score: report.verdict.score,
        outcome: reading.outcome,
        summary: reading.summary,
        // The summary first: thin traffic reads "not enough traffic to judge", which is no error.
        reasons: [reading.summary, ...reading.reasons].slice(0, 10),
        notes: report.notes,
      };
    } catch (e) {
      if ((e as Error).name === 'PrometheusUnreachableError') throw e;
      return { ...status, error: `canary verdict unavailable: ${(e as Error).message}` };
    }
  }

  private links(api: string, gateways: readonly string[], rangeKey: string): Summary['links'] {
    const c = this.config;
    if (!c.grafanaUrl) return { dashboards: [] };
    const range = { from: `now-${rangeKey}`, to: 'now' };
    const dash = (id: string, title: string, uid: string, vars: Record<string, string>): DashboardLink => ({
      id,
      title,
      url: grafanaDashboardLink({ grafanaUrl: c.grafanaUrl!, uid, vars, range }),
    });
    return {
      dashboards: [
        dash('developer', 'Developer dashboard', DASHBOARD_UIDS.developer, { [LABELS.api.label]: api }),
        dash('product', 'Product dashboard', DASHBOARD_UIDS.product, { [LABELS.api.label]: api }),
        dash('canary', 'Canary dashboard', DASHBOARD_UIDS.canary, { [LABELS.api.label]: api }),
        // The dashboard link takes one value per variable: a single gateway selects it, several leave it at All.
        dash('platform', 'Platform dashboard', DASHBOARD_UIDS.platform, gateways.length === 1 ? { [LABELS.gateway.label]: gateways[0]! } : {}),
      ],
      grafanaApp: grafanaAppLink({ grafanaUrl: c.grafanaUrl, pluginId: c.grafanaAppPluginId, page: 'developer', vars: { [LABELS.api.label]: api }, range }),
    };
  }
}

function sloStatus(sli: string, source: SloStatus['source'], objective: number, ratio: number | null, window: string): SloStatus {
  const burnRate = ratio === null ? null : ratio / (1 - objective);
  return {
    sli,
    source,
    objective,
    errorRatio: ratio,
    window,
    burnRate,
    errorBudgetRemaining: burnRate === null ? null : 1 - burnRate,
    period: SLO_PERIOD,
  };
}
