import type { Gateway } from '@api-observatory/telemetry-contract';
import type { KeyValue, OtlpSpan, SpanOptions, TimedRequest } from '../otlp-spans';
import type { GatewaySpanKeys } from '../span-keys';
import type { SimRequest } from '../traffic';

/** Identity of the simulated gateway nodes (Kong node id, APISIX hostname), derived from the seed. */
export interface ResourceIdentity {
  kongNodeId: string;
  apisixHostname: string;
}

/** A gateway's Prometheus plugin state: cumulative counters and histograms, rendered as text exposition. */
export interface GatewayExposition {
  record(r: SimRequest): void;
  render(): string;
}

/** What the pack's span enrichment put on a request's span: the consumer and its JWT claims, or nothing. */
export type SpanIdentity = 'consumer' | 'none';

/**
 * One gateway version as the simulator plays it: its Prometheus exposition, its OpenTelemetry spans and
 * what each of them records about the consumer. The registry (profiles/index.ts) is the only place that
 * lists gateways and versions; everything else asks a profile.
 */
export interface GatewayProfile {
  /** Contract gateway name (the `gateway` label). */
  readonly gateway: Gateway;
  /** Version line this profile stands for, e.g. `3.9` (covers 3.9 and later until the next profile). */
  readonly version: string;
  /** Exact release whose source the profile follows (also what node info and span resources report). */
  readonly release: string;
  /** Path of the gateway's Prometheus endpoint (the simulator also serves it at /metrics). */
  readonly metricsPath: string;
  /** Resource `service.name` the gateway's OpenTelemetry plugin reports. */
  readonly serviceName: string;
  /** Span attribute keys of the gateway (its plugin's and the pack's enrichment). */
  readonly spanKeys: GatewaySpanKeys;
  exposition(id: ResourceIdentity): GatewayExposition;
  /** Whether this version has an OpenTelemetry plugin (sends spans) at all. */
  readonly otelPlugin: boolean;
  /** The request's spans; empty when this version has no OpenTelemetry plugin. */
  spans(t: TimedRequest, o: SpanOptions): OtlpSpan[];
  /** Resource attributes and instrumentation scope of the gateway's spans. */
  resource(id: ResourceIdentity): { attributes: KeyValue[]; scope: { name: string; version?: string } };
  /** Consumer label value the gateway's metrics carry for the request ('' when it identified none). */
  metricConsumer(r: SimRequest): string;
  /** Whether the request's span carries the consumer and its claims. */
  spanIdentity(r: SimRequest): SpanIdentity;
  /** Scrape histogram bounds (ms) behind each contract latency histogram, for the backfill. */
  readonly latencyBucketsMs: Readonly<Record<'requestDuration' | 'upstreamDuration' | 'gatewayDuration', readonly number[]>>;
}

/** `kong@3.9`: how profiles are named on the command line and in summaries. */
export function profileName(p: Pick<GatewayProfile, 'gateway' | 'version'>): string {
  return `${p.gateway}@${p.version}`;
}
