import { formatGatewayService, GATEWAYS, type DeploymentRole, type Gateway, type Plan, type UNKNOWN_DIMENSION } from '@api-observatory/telemetry-contract';
import type { ConsumerToken } from './partner-tokens';
import { Rng } from './prng';

/** One gateway route of an API: a name, an HTTP method and a URI template. */
export interface RouteDef {
  /** Gateway route name, `<api>-<operation>` (becomes the contract's route label). */
  name: string;
  method: string;
  /** URI template with `{param}` placeholders, e.g. `/orders/{id}`. */
  uriTemplate: string;
  /** Matched URI pattern (`/orders/*`), as a gateway that routes by prefix reports it. */
  matchedUri: string;
  /** The API's base path (`/orders`), as a gateway that reports its route's first path gives it. */
  basePath: string;
  /** Relative traffic weight within the API. */
  weight: number;
  /** Multiplier of the API's upstream latency median. */
  latencyFactor: number;
  /** Median response body size in bytes. */
  responseBytes: number;
  /** Median request body size in bytes (0 for bodiless methods). */
  requestBodyBytes: number;
}

export interface Deployment {
  role: DeploymentRole;
  version: string;
  /** Gateway service name `<api>-<version>-<role>` from the contract's naming convention. */
  service: string;
  /** Upstream node IP (APISIX `node` label, Kong balancer `net.peer.ip`). */
  nodeIp: string;
  /** Share of the API's traffic, 0..1. */
  share: number;
}

export interface ApiDef {
  name: string;
  routes: RouteDef[];
  deployments: Deployment[];
  /** Relative traffic weight among APIs. */
  weight: number;
  /** Baseline probabilities of server errors and of upstream client errors (400/404/409/422). */
  serverErrorRate: number;
  clientErrorRate: number;
  /** Probability that the gateway rejects the request itself (401/403/429). */
  gatewayRejectRate: number;
  upstreamMedianMs: number;
  upstreamSigma: number;
}

export interface Consumer {
  /** Gateway consumer name (Kong username, APISIX consumer name). */
  name: string;
  /** The plan claim; `unknown` for a real token whose issuer or plan claim is not trusted. */
  plan: Plan | typeof UNKNOWN_DIMENSION;
  /** JWT `sub`. */
  sub: string;
  /** JWT `azp`; absent for service accounts, where the tenant falls back to `sub`. */
  azp: string | undefined;
  /** The tenant claim (seeded consumers: azp, else sub); `unknown` where a real token has none or an untrusted issuer. */
  tenant: string;
  email: string;
  homeCountry: string;
  /** Relative traffic weight. */
  weight: number;
  /** A real token the consumer application obtained (partner-tokens.ts); seeded consumers have none. */
  token?: ConsumerToken;
}

/** ISO 3166-1 alpha-2 countries and their traffic weights. */
export const COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 30], ['DE', 10], ['GB', 8], ['IN', 8], ['FR', 7], ['BR', 6], ['JP', 6], ['CA', 5],
  ['NL', 4], ['ES', 4], ['IT', 3], ['AU', 3], ['SG', 2], ['MX', 2], ['SE', 2], ['PL', 2], ['KR', 2], ['ZA', 1],
];

const API_BLUEPRINTS: ReadonlyArray<{ name: string; version: string; ops: ReadonlyArray<readonly [string, string, string]> }> = [
  { name: 'orders', version: 'v2', ops: [['list', 'GET', ''], ['get', 'GET', '/{id}'], ['create', 'POST', ''], ['cancel', 'POST', '/{id}/cancel'], ['items', 'GET', '/{id}/items']] },
  { name: 'payments', version: 'v1', ops: [['authorize', 'POST', ''], ['get', 'GET', '/{id}'], ['refund', 'POST', '/{id}/refunds']] },
  { name: 'inventory', version: 'v3', ops: [['list', 'GET', ''], ['get', 'GET', '/{sku}'], ['reserve', 'POST', '/{sku}/reservations'], ['update', 'PUT', '/{sku}']] },
  { name: 'customers', version: 'v1', ops: [['get', 'GET', '/{id}'], ['search', 'GET', ''], ['update', 'PATCH', '/{id}']] },
  { name: 'shipping', version: 'v2', ops: [['quote', 'POST', '/quotes'], ['track', 'GET', '/{id}/tracking']] },
  { name: 'notifications', version: 'v1', ops: [['send', 'POST', ''], ['list', 'GET', ''], ['get', 'GET', '/{id}'], ['delete', 'DELETE', '/{id}']] },
  { name: 'catalog', version: 'v4', ops: [['list', 'GET', ''], ['get', 'GET', '/{id}'], ['search', 'GET', '/search']] },
  { name: 'pricing', version: 'v1', ops: [['quote', 'POST', '/quotes'], ['get', 'GET', '/{sku}']] },
  { name: 'reviews', version: 'v2', ops: [['list', 'GET', ''], ['create', 'POST', '']] },
  { name: 'accounts', version: 'v1', ops: [['get', 'GET', '/{id}'], ['update', 'PUT', '/{id}'], ['list', 'GET', '']] },
];

const COMPANIES = [
  'acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne', 'soylent', 'vandelay',
  'oscorp', 'aperture', 'massive', 'gringotts', 'duff', 'monarch', 'nakatomi', 'pied-piper', 'dunder', 'krusty', 'zorg', 'virtucon',
];
const APPS = ['web', 'mobile', 'batch', 'partner', 'pos', 'analytics'];

export interface CatalogOptions {
  seed: number | string;
  apis: number;
  consumers: number;
  /** API with a canary rollout (stable / baseline / canary). */
  canaryApi: string | undefined;
  /** Traffic shares of the canary API's roles, 0..1. */
  canaryShare: number;
  baselineShare: number;
  /** Range each API's healthy 5xx share is drawn from. Default DEFAULT_SERVER_ERROR_RANGE. */
  serverErrorRange?: ServerErrorRange;
}

/** Shares of requests answered 5xx by a healthy API, 0..1; each API draws its own from [min, max). */
export interface ServerErrorRange {
  min: number;
  max: number;
}

/**
 * 0.2–0.8 %: enough 5xx for every error panel, exemplar and failed-request list to have data within a
 * minute of traffic. That is above the error budget of a 99.9 % objective (0.1 %), so an SLO gate or burn
 * alert over this traffic reads "burning"; a run that wants healthy SLOs passes a range under its
 * objectives (the sandbox does).
 */
export const DEFAULT_SERVER_ERROR_RANGE: ServerErrorRange = { min: 0.002, max: 0.008 };

export interface Catalog {
  apis: ApiDef[];
  consumers: Consumer[];
}

/**
 * Which gateways serve each API, keyed by catalog API name (the entity's `api-observatory.io/api-name`),
 * from the catalog's `api-observatory.io/gateway` annotations.
 */
export type ApiGateways = Readonly<Record<string, readonly Gateway[]>>;

/**
 * Reads a catalog gateway annotation: one gateway or a comma-separated list (`kong,apisix`), spaces around
 * names ignored, duplicates dropped. An empty entry or a gateway the contract does not know is an error.
 */
export function parseGatewayList(value: string): Gateway[] {
  const out: Gateway[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (name === '') throw new RangeError(`gateway list ${JSON.stringify(value)} has an empty entry`);
    if (!(GATEWAYS as readonly string[]).includes(name)) throw new RangeError(`gateway ${JSON.stringify(name)} in ${JSON.stringify(value)} is not one of ${GATEWAYS.join(', ')}`);
    if (!out.includes(name as Gateway)) out.push(name as Gateway);
  }
  return out;
}

/** Bumps the minor version: v2 → v2.1, v2.1 → v2.2 (the canary runs the next release). */
export function nextVersion(version: string): string {
  const m = /^v(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return `${version}.1`;
  return `v${m[1]}.${Number(m[2] ?? 0) + 1}`;
}

function ip(rng: Rng): string {
  return `10.0.${1 + rng.int(250)}.${2 + rng.int(250)}`;
}

export function apiNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i < API_BLUEPRINTS.length ? API_BLUEPRINTS[i]!.name : `api${i + 1}`));
}

/**
 * Share of all requests that go to the API under canary. A canary is judged per one-minute interval on
 * each side (the default gate wants 50 requests per interval), so the API being rolled out must be a
 * busy one whatever the seed: at 20 req/s it gets 8 req/s, and a 25 % canary and baseline 120 requests a
 * minute each. The other APIs keep their seeded weights among themselves.
 */
export const CANARY_API_TRAFFIC_SHARE = 0.4;

/** Weight that gives the canary API CANARY_API_TRAFFIC_SHARE of the traffic next to the others' total weight. */
function canaryApiWeight(othersWeight: number): number {
  return (othersWeight * CANARY_API_TRAFFIC_SHARE) / (1 - CANARY_API_TRAFFIC_SHARE);
}

export function buildCatalog(o: CatalogOptions): Catalog {
  if (!Number.isInteger(o.apis) || o.apis < 1) throw new RangeError(`apis must be a positive integer, got ${o.apis}`);
  if (!Number.isInteger(o.consumers) || o.consumers < 1) throw new RangeError(`consumers must be a positive integer, got ${o.consumers}`);
  const errors = o.serverErrorRange ?? DEFAULT_SERVER_ERROR_RANGE;
  if (!(errors.min >= 0 && errors.max >= errors.min && errors.max < 1)) {
    throw new RangeError(`server error range must satisfy 0 <= min <= max < 1, got ${JSON.stringify(errors)}`);
  }
  const rng = Rng.derive(o.seed, 'catalog');
  const apis: ApiDef[] = [];
  for (let i = 0; i < o.apis; i++) {
    const bp = API_BLUEPRINTS[i] ?? { name: `api${i + 1}`, version: 'v1', ops: [['list', 'GET', ''], ['get', 'GET', '/{id}']] as const };
    const base = `/${bp.name}`;
    const routes: RouteDef[] = bp.ops.map(([op, method, suffix], j) => {
      const uriTemplate = `${base}${suffix}`;
      const matched = suffix === '' ? base : `${base}/*`;
      return {
        name: `${bp.name}-${op}`,
        method,
        uriTemplate,
        matchedUri: matched,
        basePath: base,
        weight: method === 'GET' ? 3 + (j === 0 ? 2 : 0) : 1,
        latencyFactor: method === 'GET' ? 0.7 + rng.next() * 0.6 : 1.2 + rng.next() * 0.8,
        responseBytes: method === 'GET' ? 800 + rng.int(12_000) : 200 + rng.int(1200),
        requestBodyBytes: method === 'GET' || method === 'DELETE' ? 0 : 300 + rng.int(2000),
      };
    });
    const isCanary = o.canaryApi === bp.name;
    const deployments: Deployment[] = [];
    const mk = (role: DeploymentRole, version: string, share: number): Deployment => ({
      role,
      version,
      service: formatGatewayService({ api: bp.name, version, role }),
      nodeIp: ip(rng),
      share,
    });
    if (isCanary) {
      const stable = Math.max(0, 1 - o.canaryShare - o.baselineShare);
      deployments.push(mk('stable', bp.version, stable), mk('baseline', bp.version, o.baselineShare), mk('canary', nextVersion(bp.version), o.canaryShare));
    } else {
      deployments.push(mk('stable', bp.version, 1));
    }
    apis.push({
      name: bp.name,
      routes,
      deployments,
      weight: 1 + rng.int(4),
      serverErrorRate: errors.min + rng.next() * (errors.max - errors.min),
      clientErrorRate: 0.01 + rng.next() * 0.03,
      gatewayRejectRate: 0.005 + rng.next() * 0.01,
      upstreamMedianMs: 15 + rng.int(90),
      upstreamSigma: 0.45 + rng.next() * 0.2,
    });
  }
  const canary = apis.find((a) => a.name === o.canaryApi);
  if (o.canaryApi !== undefined && !canary) {
    throw new RangeError(`canary API ${JSON.stringify(o.canaryApi)} is not among the simulated APIs (${apis.map((a) => a.name).join(', ')})`);
  }
  if (canary && apis.length > 1) canary.weight = canaryApiWeight(apis.filter((a) => a !== canary).reduce((s, a) => s + a.weight, 0));

  const consumers: Consumer[] = [];
  const countryCodes = COUNTRIES.map((c) => c[0]);
  const countryWeights = COUNTRIES.map((c) => c[1]);
  for (let i = 0; i < o.consumers; i++) {
    const company = COMPANIES[i % COMPANIES.length]!;
    const round = Math.floor(i / COMPANIES.length);
    const app = APPS[(i * 7 + round) % APPS.length]!;
    const name = round < APPS.length ? `${company}-${app}` : `${company}-${app}-${round}`;
    const plan = rng.weighted(['free', 'pro', 'enterprise'] as const, [50, 35, 15]);
    const serviceAccount = app === 'batch' || rng.chance(0.1);
    const azp = serviceAccount ? undefined : `${company}${round > 0 ? `-${round}` : ''}`;
    const sub = serviceAccount ? `svc-${name}` : `user-${rng.hex(4)}`;
    consumers.push({
      name,
      plan,
      sub,
      azp,
      tenant: azp ?? sub,
      email: `${app}.${company}${i}@example.com`,
      homeCountry: rng.weighted(countryCodes, countryWeights),
      weight: (plan === 'enterprise' ? 4 : plan === 'pro' ? 2 : 1) * (0.5 + rng.next()),
    });
  }
  return { apis, consumers };
}
