export { Rng, hash32 } from './prng';
export { buildCatalog, apiNames, nextVersion, COUNTRIES, type ApiDef, type Catalog, type Consumer, type Deployment, type RouteDef } from './catalog';
export { SCENARIOS, SCENARIO_SPECS, scenarioEffects, isScenario, type ScenarioName, type CanaryEffects } from './scenarios';
export { TrafficGenerator, DEFAULT_TRAFFIC_OPTIONS, diurnalFactor, consumerUsesApi, type SimRequest, type TrafficOptions } from './traffic';
export { KONG_LATENCY_BUCKETS_MS, KONG_UPSTREAM_LATENCY_BUCKETS_MS, APISIX_LATENCY_BUCKETS_MS } from './gateway-buckets';
export { KongExposition, KONG_WORKSPACE, KONG_VERSION } from './kong-exposition';
export { ApisixExposition, APISIX_VERSION } from './apisix-exposition';
export { CounterVec, GaugeVec, HistogramVec, Registry, escapeExpositionValue } from './prom-registry';
export { SIMULATED_SECRET_MARKER, jwtFor, apiKeyFor, cookieFor, leakedEmail, claimsOf, decodeJwtPayload } from './credentials';
export { SPAN_KEYS, GATEWAY_RESOURCE_SERVICE_NAME, SPAN_KIND_SERVER, SPAN_KIND_CLIENT, type GatewaySpanKeys } from './span-keys';
export {
  kongSpans,
  apisixSpans,
  buildTraceExport,
  countSpans,
  apisixId,
  PUBLIC_HOST,
  type ExportTraceServiceRequest,
  type OtlpSpan,
  type KeyValue,
  type AnyValue,
  type SpanOptions,
  type TimedRequest,
} from './otlp-spans';
export { pushTraces, tracesUrl } from './otlp-exporter';
export { GroundTruth, COUNT_DIMENSIONS, dimensionsOf, type Summary, type TraceRecord, type BreakdownRow } from './ground-truth';
export { startLiveSimulator, PortInUseError, type LiveOptions, type LiveSimulator, type GatewayChoice } from './live';
export { writeBackfill, consumerCountries, type BackfillOptions, type BackfillResult, type BackfillProgress } from './backfill';
export { main as runCli, USAGE } from './cli';
