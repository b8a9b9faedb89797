import { GATEWAYS, type DeploymentRole, type Gateway } from '@api-observatory/telemetry-contract';
import { buildCatalog, COUNTRIES, type ApiDef, type ApiGateways, type Catalog, type Consumer, type Deployment, type RouteDef, type ServerErrorRange } from './catalog';
import { hash32, Rng } from './prng';
import { scenarioEffects, type CanaryEffects, type ScenarioName } from './scenarios';

/** One simulated request, everything the emitters and the ground truth need. Times are set by the caller. */
export interface SimRequest {
  seq: number;
  gateway: Gateway;
  api: string;
  version: string;
  role: DeploymentRole;
  /** Gateway service name `<api>-<version>-<role>`. */
  service: string;
  nodeIp: string;
  route: RouteDef;
  method: string;
  /** Concrete request path, without query string. */
  path: string;
  status: number;
  /** True when the gateway produced the response itself (auth / rate limit), so no upstream was called. */
  gatewayGenerated: boolean;
  consumer: Consumer;
  country: string;
  clientIp: string;
  /** Whole milliseconds, as both gateways measure them. request = gateway + upstream. */
  requestMs: number;
  upstreamMs: number | undefined;
  gatewayMs: number;
  ingressBytes: number;
  egressBytes: number;
  traceId: string;
  spanId: string;
  /** Span id of Kong's balancer span (unused for APISIX and for gateway-generated responses). */
  upstreamSpanId: string;
  requestId: string;
}

export interface TrafficOptions {
  seed: number | string;
  gateways: readonly Gateway[];
  apis: number;
  consumers: number;
  canaryApi: string | undefined;
  /** Canary / baseline shares of the canary API, 0..1 (default 0.1 / 0.1; stable gets the rest). */
  canaryShare: number;
  baselineShare: number;
  scenario: ScenarioName;
  scenarioParam: number | undefined;
  /**
   * Prefix of every API name (and so of every gateway service name), e.g. `kong28-` → `kong28-orders`,
   * `kong28-orders-v2-stable`: lets several simulators (gateway versions) share one collector and
   * Prometheus without sharing series. Route names are not prefixed.
   */
  apiPrefix: string;
  /**
   * Gateways each API goes through (the catalog's assignment), keyed by unprefixed API name. An API not
   * listed goes through every simulated gateway; one whose gateways are all unsimulated gets no traffic.
   */
  apiGateways?: ApiGateways;
  /** Consumers to play instead of the seeded ones: applications holding real tokens (partner-tokens.ts). */
  consumerDirectory?: readonly Consumer[];
  /** Range of each API's healthy 5xx share (catalog.ts DEFAULT_SERVER_ERROR_RANGE by default). */
  serverErrorRange?: ServerErrorRange;
}

export const DEFAULT_TRAFFIC_OPTIONS: TrafficOptions = {
  seed: 1,
  // The contract's first gateway; `both` and the CLI's --gateway choose others.
  gateways: [GATEWAYS[0]],
  apis: 6,
  consumers: 40,
  canaryApi: 'orders',
  canaryShare: 0.1,
  baselineShare: 0.1,
  scenario: 'healthy',
  scenarioParam: undefined,
  apiPrefix: '',
};

const REJECT_CODES = [401, 403, 429] as const;
const REJECT_WEIGHTS = [50, 15, 35];
const SERVER_ERROR_CODES = [500, 502, 503, 504] as const;
const SERVER_ERROR_WEIGHTS = [30, 25, 30, 15];

/** Everything a request's outcome depends on, for one deployment. */
interface DeploymentProfile {
  api: ApiDef;
  deployment: Deployment;
  serverErrorRate: number;
  latencyFactor: number;
  sigma: number;
  bursty: boolean;
}

/** Whether a consumer calls an API at all (stable per seed): about 70% of the pairs. */
export function consumerUsesApi(seed: number | string, consumer: string, api: string): boolean {
  return hash32(`${seed}|uses|${consumer}|${api}`) % 10 < 7;
}

/**
 * The simulated gateways of each assigned API. Checked up front: an unknown gateway or an empty list is a
 * mistake in the assignment, and a simulator none of whose APIs goes through a gateway it plays would
 * serve that gateway's /metrics empty.
 */
function routing(catalog: Catalog, gateways: readonly Gateway[], assignment: ApiGateways | undefined): Map<string, readonly Gateway[]> {
  const routes = new Map<string, readonly Gateway[]>();
  if (!assignment) return routes;
  for (const [api, list] of Object.entries(assignment)) {
    if (list.length === 0) throw new RangeError(`API ${api} is assigned no gateway`);
    const unknown = list.filter((g) => !(GATEWAYS as readonly string[]).includes(g));
    if (unknown.length) throw new RangeError(`API ${api} is assigned unknown gateway(s) ${unknown.join(', ')} (known: ${GATEWAYS.join(', ')})`);
    routes.set(api, gateways.filter((g) => list.includes(g)));
  }
  for (const g of gateways) {
    const served = catalog.apis.some((a) => (routes.get(a.name) ?? gateways).includes(g));
    if (!served) throw new RangeError(`no simulated API goes through ${g}: the assignment sends ${catalog.apis.map((a) => a.name).join(', ')} elsewhere`);
  }
  return routes;
}

/**
 * Deterministic request stream. The n-th request depends only on the options (seed included), never on
 * wall-clock time, so the same seed always yields the same sequence.
 */
export class TrafficGenerator {
  readonly catalog: Catalog;
  readonly options: TrafficOptions;
  readonly effects: CanaryEffects;
  private readonly rng: Rng;
  private seq = 0;
  private readonly apiWeights: number[];
  /** Simulated gateways each API goes through; undefined: every simulated gateway, drawn as without an assignment. */
  private readonly routes: Map<string, readonly Gateway[]>;
  private readonly consumersByApi: Map<string, { consumers: Consumer[]; weights: number[] }>;
  private readonly profiles: Map<string, { profiles: DeploymentProfile[]; weights: number[] }>;
  private readonly countryCodes = COUNTRIES.map((c) => c[0]);
  private readonly countryWeights = COUNTRIES.map((c) => c[1]);

  constructor(options: Partial<TrafficOptions> = {}) {
    const o: TrafficOptions = { ...DEFAULT_TRAFFIC_OPTIONS, ...options };
    if (o.gateways.length === 0) throw new RangeError('at least one gateway is needed');
    if (o.apiPrefix !== '' && !/^[a-z0-9][a-z0-9_-]*$/.test(o.apiPrefix)) throw new RangeError(`API prefix ${JSON.stringify(o.apiPrefix)} must be lower-case letters, digits, _ or -`);
    this.options = o;
    this.effects = scenarioEffects(o.scenario, o.scenarioParam);
    const canaryShare = this.effects.canaryShareOverride ?? o.canaryShare;
    if (canaryShare < 0 || o.baselineShare < 0 || canaryShare + o.baselineShare > 1) {
      throw new RangeError(`canary share ${canaryShare} and baseline share ${o.baselineShare} must be within 0..1 together`);
    }
    this.catalog = buildCatalog({
      seed: o.seed,
      apis: o.apis,
      consumers: o.consumers,
      canaryApi: o.canaryApi,
      canaryShare,
      baselineShare: o.baselineShare,
      serverErrorRange: o.serverErrorRange,
    });
    if (o.consumerDirectory) {
      if (o.consumerDirectory.length === 0) throw new RangeError('consumerDirectory must list at least one consumer');
      this.catalog.consumers = [...o.consumerDirectory];
    }
    this.rng = Rng.derive(o.seed, 'traffic');
    this.routes = routing(this.catalog, o.gateways, o.apiGateways);
    this.apiWeights = this.catalog.apis.map((a) => (this.routes.get(a.name)?.length === 0 ? 0 : a.weight));
    this.consumersByApi = new Map();
    this.profiles = new Map();
    for (const api of this.catalog.apis) {
      let consumers = this.catalog.consumers.filter((c) => consumerUsesApi(o.seed, c.name, api.name));
      if (consumers.length === 0) consumers = [this.catalog.consumers[0]!];
      this.consumersByApi.set(api.name, { consumers, weights: consumers.map((c) => c.weight) });
      const profiles = api.deployments
        .filter((d) => d.share > 0)
        .map((d): DeploymentProfile => {
          const canary = d.role === 'canary';
          const baseline = d.role === 'baseline';
          return {
            api,
            deployment: d,
            serverErrorRate: api.serverErrorRate + (canary ? this.effects.canaryExtraErrorRate : 0),
            latencyFactor: canary ? this.effects.canaryLatencyFactor : 1,
            sigma: api.upstreamSigma * (baseline ? this.effects.baselineNoise : 1),
            bursty: baseline && this.effects.baselineNoise > 1,
          };
        });
      this.profiles.set(api.name, { profiles, weights: profiles.map((p) => p.deployment.share) });
    }
  }

  /** Number of requests generated so far. */
  get count(): number {
    return this.seq;
  }

  next(): SimRequest {
    const rng = this.rng;
    const seq = this.seq++;
    let gateway = this.options.gateways.length === 1 ? this.options.gateways[0]! : rng.pick(this.options.gateways);
    const api = this.catalog.apis[rng.weightedIndex(this.apiWeights)]!;
    const assigned = this.routes.get(api.name);
    if (assigned && !assigned.includes(gateway)) gateway = assigned.length === 1 ? assigned[0]! : rng.pick(assigned);
    const { profiles, weights } = this.profiles.get(api.name)!;
    const profile = profiles[rng.weightedIndex(weights)]!;
    const route = api.routes[rng.weightedIndex(api.routes.map((r) => r.weight))]!;
    const pool = this.consumersByApi.get(api.name)!;
    const consumer = pool.consumers[rng.weightedIndex(pool.weights)]!;
    const country = rng.chance(0.75) ? consumer.homeCountry : rng.weighted(this.countryCodes, this.countryWeights);

    // Outcome.
    let status: number;
    let gatewayGenerated = false;
    const serverErrorRate = profile.bursty ? profile.serverErrorRate * (rng.chance(0.25) ? 1 + 3 * (this.effects.baselineNoise - 1) : 0.5) : profile.serverErrorRate;
    if (rng.chance(api.gatewayRejectRate)) {
      status = rng.weighted(REJECT_CODES, REJECT_WEIGHTS);
      gatewayGenerated = true;
    } else if (rng.chance(Math.min(1, serverErrorRate))) {
      status = rng.weighted(SERVER_ERROR_CODES, SERVER_ERROR_WEIGHTS);
    } else if (rng.chance(api.clientErrorRate)) {
      status = route.method === 'GET' ? rng.weighted([404, 400], [80, 20]) : rng.weighted([400, 404, 409, 422], [40, 20, 15, 25]);
    } else if (route.method === 'POST' && !route.name.endsWith('-cancel')) {
      status = 201;
    } else if (route.method === 'DELETE') {
      status = 204;
    } else {
      status = 200;
    }

    // Latency (whole milliseconds, like both gateways' log phases report them).
    const gatewayMs = Math.max(0, Math.round(rng.logNormal(1.6, 0.55) + (gatewayGenerated ? 0.5 : 0)));
    let upstreamMs: number | undefined;
    if (!gatewayGenerated) {
      const median = api.upstreamMedianMs * route.latencyFactor * profile.latencyFactor;
      let up = rng.logNormal(median, profile.sigma);
      if (status === 504) up = 3000 + rng.next() * 7000;
      else if (status === 502) up = 1 + rng.next() * 8;
      upstreamMs = Math.max(1, Math.round(up));
    }
    const requestMs = gatewayMs + (upstreamMs ?? 0);

    // Sizes.
    const bodyIn = route.requestBodyBytes > 0 ? Math.round(rng.logNormal(route.requestBodyBytes, 0.4)) : 0;
    const ingressBytes = 380 + rng.int(180) + bodyIn;
    const okBody = status < 300 && status !== 204;
    const egressBytes = 240 + rng.int(60) + (okBody ? Math.round(rng.logNormal(route.responseBytes, 0.6)) : status === 204 ? 0 : 60 + rng.int(80));

    const path = route.uriTemplate.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'sku' ? `SKU-${10000 + rng.int(90000)}` : String(1000 + rng.int(9_000_000))));
    const clientIp = `203.0.113.${1 + (hash32(`${consumer.name}|${country}`) % 254)}`;
    return {
      seq,
      gateway,
      api: this.options.apiPrefix + api.name,
      version: profile.deployment.version,
      role: profile.deployment.role,
      service: this.options.apiPrefix + profile.deployment.service,
      nodeIp: profile.deployment.nodeIp,
      route,
      method: route.method,
      path,
      status,
      gatewayGenerated,
      consumer,
      country,
      clientIp,
      requestMs,
      upstreamMs,
      gatewayMs,
      ingressBytes,
      egressBytes,
      traceId: rng.hex(16),
      spanId: rng.hex(8),
      upstreamSpanId: rng.hex(8),
      requestId: rng.hex(16),
    };
  }
}

/**
 * Whether the gateway identified the request's consumer. A 401 is the authentication plugin rejecting the
 * credentials, so no consumer is known; 403 (ACL / consumer restriction) and 429 (rate limiting) run
 * after authentication and know it.
 */
export function authenticated(r: Pick<SimRequest, 'gatewayGenerated' | 'status'>): boolean {
  return !(r.gatewayGenerated && r.status === 401);
}

/**
 * Diurnal load factor for a UTC time: mean 1 over a day, trough ~0.35 around 03:00, peak ~1.65 around 15:00.
 */
export function diurnalFactor(unixMs: number): number {
  const hours = (unixMs / 3_600_000) % 24;
  return 1 + 0.65 * Math.sin((2 * Math.PI * (hours - 9)) / 24);
}
