import { GATEWAYS, type Gateway } from '@api-observatory/telemetry-contract';
import { APISIX_3_11 } from './apisix-3.11';
import { APISIX_3_16 } from './apisix-3.16';
import { KONG_2_8 } from './kong-2.8';
import { KONG_3_4 } from './kong-3.4';
import { KONG_3_9 } from './kong-3.9';
import { Rng } from '../prng';
import type { GatewaySpanKeys } from '../span-keys';
import { profileName, type GatewayProfile, type ResourceIdentity } from './types';

/** Every gateway version the simulator plays, oldest first per gateway. One line per profile. */
export const PROFILES: readonly GatewayProfile[] = [
  KONG_2_8,
  KONG_3_4,
  KONG_3_9,
  APISIX_3_11,
  APISIX_3_16,
];

/** Profile names, `kong@2.8` …, in registry order. */
export const PROFILE_NAMES: readonly string[] = PROFILES.map(profileName);

/** How `--gateway` is written: a gateway (its newest profile), `both`, or named profiles. */
export const GATEWAY_CHOICES = `${GATEWAYS.join(', ')}, both, or one of ${PROFILE_NAMES.join(', ')}`;

const byGateway = <T>(f: (p: GatewayProfile) => T): Record<Gateway, T> => Object.fromEntries(GATEWAYS.map((g) => [g, f(defaultProfile(g))])) as Record<Gateway, T>;

/** Span attribute keys per gateway (its newest profile's). */
export const SPAN_KEYS: Record<Gateway, GatewaySpanKeys> = byGateway((p) => p.spanKeys);

/** Resource `service.name` each gateway's OpenTelemetry plugin reports. */
export const GATEWAY_RESOURCE_SERVICE_NAME: Record<Gateway, string> = byGateway((p) => p.serviceName);

function uuidFrom(rng: Rng): string {
  const h = rng.hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Identity of the simulated gateway nodes, derived from the seed. */
export function resourceIdentity(seed: number | string): ResourceIdentity {
  const rng = Rng.derive(seed, 'identity');
  return { kongNodeId: uuidFrom(rng), apisixHostname: `apisix-sim-${rng.hex(3)}` };
}

/** The newest profile of a gateway (the default when no version is asked for). */
export function defaultProfile(gateway: Gateway): GatewayProfile {
  const all = PROFILES.filter((p) => p.gateway === gateway);
  if (all.length === 0) throw new RangeError(`no profile for gateway ${gateway}`);
  return all[all.length - 1]!;
}

/** A profile by gateway and version (`undefined` version = the newest). */
export function findProfile(gateway: Gateway, version?: string): GatewayProfile {
  if (version === undefined) return defaultProfile(gateway);
  const p = PROFILES.find((x) => x.gateway === gateway && x.version === version);
  if (!p) {
    const known = PROFILES.filter((x) => x.gateway === gateway).map((x) => x.version);
    throw new RangeError(`unknown ${gateway} version ${JSON.stringify(version)} (one of ${known.join(', ')})`);
  }
  return p;
}

/**
 * Parses a gateway selection: a gateway, `both` (every gateway), `kong@2.8`, or a comma list such as
 * `kong@2.8,apisix@3.11` (at most one version per gateway). Returns the chosen profile per gateway.
 */
export function parseGatewaySpec(spec: string): Partial<Record<Gateway, GatewayProfile>> {
  const out: Partial<Record<Gateway, GatewayProfile>> = {};
  const parts = spec === 'both' ? [...GATEWAYS] : spec.split(',').map((s) => s.trim());
  for (const part of parts) {
    const [name, version, ...rest] = part.split('@');
    if (!(GATEWAYS as readonly string[]).includes(name ?? '') || rest.length > 0 || version === '') {
      throw new RangeError(`unknown gateway ${JSON.stringify(part)} (${GATEWAY_CHOICES})`);
    }
    const g = name as Gateway;
    if (out[g]) throw new RangeError(`gateway ${g} given more than once`);
    out[g] = findProfile(g, version);
  }
  return out;
}

export { profileName, type GatewayProfile, type GatewayExposition, type ResourceIdentity, type SpanIdentity } from './types';
