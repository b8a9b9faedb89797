import { LABELS, UNAUTHENTICATED_CONSUMER, UNKNOWN_DIMENSION, type Gateway } from '@api-observatory/telemetry-contract';
import type { ApiGateways } from './catalog';
import { profileName, type GatewayProfile } from './profiles/types';
import type { SimRequest } from './traffic';

/** Dimensions the ground truth counts by, named by the contract's Prometheus labels. */
export const COUNT_DIMENSIONS = [
  LABELS.gateway.label,
  LABELS.api.label,
  LABELS.apiVersion.label,
  LABELS.deploymentRole.label,
  LABELS.route.label,
  LABELS.method.label,
  LABELS.statusCode.label,
  LABELS.consumer.label,
  LABELS.plan.label,
  LABELS.tenant.label,
  LABELS.country.label,
] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

/**
 * Value of each count dimension for a request, as the collector writes it from the request's span: consumer,
 * plan and tenant only where the gateway's enrichment saw an authenticated consumer (see the profile).
 */
export function dimensionsOf(r: SimRequest, profile: GatewayProfile): Record<CountDimension, string> {
  const seen = profile.spanIdentity(r) === 'consumer';
  return {
    [LABELS.gateway.label]: r.gateway,
    [LABELS.api.label]: r.api,
    [LABELS.apiVersion.label]: r.version,
    [LABELS.deploymentRole.label]: r.role,
    [LABELS.route.label]: r.route.name,
    [LABELS.method.label]: r.method,
    [LABELS.statusCode.label]: String(r.status),
    [LABELS.consumer.label]: seen ? r.consumer.name : UNAUTHENTICATED_CONSUMER,
    [LABELS.plan.label]: seen ? r.consumer.plan : UNKNOWN_DIMENSION,
    [LABELS.tenant.label]: seen ? r.consumer.tenant : UNKNOWN_DIMENSION,
    [LABELS.country.label]: r.country,
  } as Record<CountDimension, string>;
}

export interface TraceRecord {
  traceId: string;
  gateway: Gateway;
  api: string;
  /** Gateway route name (contract label `http_route`). */
  route: string;
  deploymentRole: string;
  apiVersion: string;
  statusCode: number;
  startUnixNano: string;
  /** True once the batch holding the trace's spans was accepted by the OTLP endpoint. */
  pushed: boolean;
}

export interface BreakdownRow extends Record<CountDimension, string> {
  /** Gateway service name (`<api>-<version>-<role>`). */
  service: string;
  /** Consumer as the collector writes it from the gateway's metrics (the gateway's label, empty = unauthenticated). */
  metricConsumer: string;
  count: number;
}

/** The ground truth of a run: what was sent, for comparison with what the stores say. */
export interface Summary {
  schema: 'api-traffic-sim/summary@1';
  seed: number | string;
  scenario: string;
  scenarioParam: number | null;
  canaryApi: string | null;
  gateways: Gateway[];
  /** The gateways each API was assigned (catalog API name → gateways); APIs not listed went through every gateway. */
  apiGateways: Record<string, Gateway[]>;
  /** Gateway profiles played, e.g. `kong@3.9`. */
  profiles: string[];
  rps: number;
  startTime: string;
  endTime: string;
  startUnixMs: number;
  endUnixMs: number;
  totals: {
    requests: number;
    spansGenerated: number;
    spansPushed: number;
    pushBatches: number;
    pushErrors: number;
    spansDropped: number;
    ingressBytes: number;
    egressBytes: number;
    /** Requests that reached an upstream (not answered by the gateway itself), per gateway. */
    upstreamCalls: Partial<Record<Gateway, number>>;
  };
  /** Requests per value of each dimension, keyed by contract label name. */
  counts: Record<CountDimension, Record<string, number>>;
  /** Requests per full combination of dimensions (one row per distinct combination). */
  breakdown: BreakdownRow[];
  traces: TraceRecord[];
  /** True when more traces were sent than `traces` keeps (maxTraces). */
  tracesTruncated: boolean;
}

export interface RunInfo {
  seed: number | string;
  scenario: string;
  scenarioParam: number | undefined;
  canaryApi: string | undefined;
  gateways: readonly Gateway[];
  apiGateways?: ApiGateways;
  profiles: readonly GatewayProfile[];
  rps: number;
}

export class GroundTruth {
  private readonly counts = Object.fromEntries(COUNT_DIMENSIONS.map((d) => [d, new Map<string, number>()])) as Record<CountDimension, Map<string, number>>;
  private readonly rows = new Map<string, BreakdownRow>();
  private readonly traces = new Map<string, TraceRecord>();
  private truncated = false;
  requests = 0;
  spansGenerated = 0;
  spansPushed = 0;
  pushBatches = 0;
  pushErrors = 0;
  spansDropped = 0;
  ingressBytes = 0;
  egressBytes = 0;
  upstreamCalls: Partial<Record<Gateway, number>> = {};
  startUnixMs: number;
  endUnixMs: number | undefined;

  constructor(private readonly info: RunInfo, private readonly maxTraces = 200_000, startUnixMs = Date.now()) {
    this.startUnixMs = startUnixMs;
  }

  record(r: SimRequest, startUnixNano: bigint): void {
    const profile = this.info.profiles.find((p) => p.gateway === r.gateway);
    if (!profile) throw new RangeError(`request for gateway ${r.gateway}, which this run does not play`);
    this.requests++;
    this.ingressBytes += r.ingressBytes;
    if (r.upstreamMs !== undefined) this.upstreamCalls[r.gateway] = (this.upstreamCalls[r.gateway] ?? 0) + 1;
    this.egressBytes += r.egressBytes;
    const dims = dimensionsOf(r, profile);
    for (const d of COUNT_DIMENSIONS) {
      const m = this.counts[d];
      m.set(dims[d], (m.get(dims[d]) ?? 0) + 1);
    }
    const metricConsumer = profile.metricConsumer(r) || UNAUTHENTICATED_CONSUMER;
    const key = [...COUNT_DIMENSIONS.map((d) => dims[d]), metricConsumer].join('\u0000');
    const row = this.rows.get(key);
    if (row) row.count++;
    else this.rows.set(key, { ...dims, service: r.service, metricConsumer, count: 1 });
    if (this.traces.size < this.maxTraces) {
      this.traces.set(r.traceId, {
        traceId: r.traceId,
        gateway: r.gateway,
        api: r.api,
        route: r.route.name,
        deploymentRole: r.role,
        apiVersion: r.version,
        statusCode: r.status,
        startUnixNano: String(startUnixNano),
        pushed: false,
      });
    } else {
      this.truncated = true;
    }
  }

  markPushed(traceIds: readonly string[]): void {
    for (const id of traceIds) {
      const t = this.traces.get(id);
      if (t) t.pushed = true;
    }
  }

  summary(endUnixMs = this.endUnixMs ?? Date.now()): Summary {
    const sortObj = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      schema: 'api-traffic-sim/summary@1',
      seed: this.info.seed,
      scenario: this.info.scenario,
      scenarioParam: this.info.scenarioParam ?? null,
      canaryApi: this.info.canaryApi ?? null,
      gateways: [...this.info.gateways],
      apiGateways: Object.fromEntries(Object.entries(this.info.apiGateways ?? {}).map(([api, g]) => [api, [...g]])),
      profiles: this.info.profiles.map(profileName),
      rps: this.info.rps,
      startTime: new Date(this.startUnixMs).toISOString(),
      endTime: new Date(endUnixMs).toISOString(),
      startUnixMs: this.startUnixMs,
      endUnixMs,
      totals: {
        requests: this.requests,
        spansGenerated: this.spansGenerated,
        spansPushed: this.spansPushed,
        pushBatches: this.pushBatches,
        pushErrors: this.pushErrors,
        spansDropped: this.spansDropped,
        ingressBytes: this.ingressBytes,
        egressBytes: this.egressBytes,
        upstreamCalls: { ...this.upstreamCalls },
      },
      counts: Object.fromEntries(COUNT_DIMENSIONS.map((d) => [d, sortObj(this.counts[d])])) as Summary['counts'],
      breakdown: [...this.rows.values()].map((r) => ({ ...r })),
      traces: [...this.traces.values()].map((t) => ({ ...t })),
      tracesTruncated: this.truncated,
    };
  }
}
