export { Rng, hash32 } from './prng';
export { buildCatalog, apiNames, nextVersion, parseGatewayList, COUNTRIES, type ApiDef, type ApiGateways, type Catalog, type Consumer, type Deployment, type RouteDef, type ServerErrorRange, DEFAULT_SERVER_ERROR_RANGE } from './catalog';
export { SCENARIOS, SCENARIO_SPECS, scenarioEffects, isScenario, type ScenarioName, type CanaryEffects } from './scenarios';
export { TrafficGenerator, DEFAULT_TRAFFIC_OPTIONS, diurnalFactor, consumerUsesApi, authenticated, type SimRequest, type TrafficOptions } from './traffic';
export {
  KONG_LATENCY_BUCKETS_MS,
  KONG_LATENCY_BUCKETS_MS_3_9,
  KONG_UPSTREAM_LATENCY_BUCKETS_MS,
  KONG_2_LATENCY_BUCKETS_MS,
  APISIX_LATENCY_BUCKETS_MS,
} from './profiles/buckets';
export {
  PROFILES,
  PROFILE_NAMES,
  defaultProfile,
  findProfile,
  parseGatewaySpec,
  profileName,
  resourceIdentity,
  SPAN_KEYS,
  GATEWAY_RESOURCE_SERVICE_NAME,
  GATEWAY_CHOICES,
  type GatewayProfile,
  type GatewayExposition,
  type ResourceIdentity,
  type SpanIdentity,
} from './profiles';
export { KongExposition, KONG_WORKSPACE, kongSpans } from './profiles/kong-3';
export { Kong2Exposition } from './profiles/kong-2.8';
export { ApisixExposition, apisixLatencies, apisixId } from './profiles/apisix';
export { CounterVec, GaugeVec, HistogramVec, Registry, escapeExpositionValue } from './prom-registry';
export { SIMULATED_SECRET_MARKER, SIMULATED_ISSUER, jwtFor, apiKeyFor, cookieFor, leakedEmail, claimsOf, decodeJwtPayload } from './credentials';
export { SPAN_KIND_SERVER, SPAN_KIND_CLIENT, type GatewaySpanKeys } from './span-keys';
export {
  buildTraceExport,
  countSpans,
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
export { startLiveSimulator, simulatedGateways, simulatedMetricsPorts, PortInUseError, type LiveOptions, type LiveSimulator, type GatewayChoice } from './live';
export { writeBackfill, consumerCountries, unidentifiedSpanShare, type BackfillOptions, type BackfillResult, type BackfillProgress } from './backfill';
export { main as runCli, USAGE } from './cli';
export { TRUSTED_TOKEN_ISSUER_PATTERN, obtainToken, consumerFromToken, tenantAndPlan, type ConsumerCredential, type ConsumerToken } from './partner-tokens';
