import { DEPLOYMENT_ROLES, type DeploymentRole } from './labels';

/**
 * Gateway service naming convention: `<api>-<version>[-<role>]`, e.g. `orders-v2-canary`.
 * Gateways do not put tags into their Prometheus exposition, so the service name is the only place
 * that can carry the API, its version and its rollout role to the collector. The collector's OTTL
 * applies this same pattern (a test checks that the collector config contains it verbatim).
 * RE2-compatible (no lookaround) so the collector can use it unchanged.
 */
export const SERVICE_NAME_PATTERN = '^([a-z0-9][a-z0-9_-]*?)-(v[0-9]+(?:\\.[0-9]+){0,2})(?:-(stable|baseline|canary))?$';
const serviceName = new RegExp(SERVICE_NAME_PATTERN);

/** Version and role used when a service name does not follow the convention. */
export const UNKNOWN_VERSION = 'unknown';
export const DEFAULT_ROLE: DeploymentRole = 'stable';

export interface GatewayService {
  api: string;
  version: string;
  role: DeploymentRole;
}

export function parseGatewayService(name: string): GatewayService {
  const m = serviceName.exec(name);
  if (!m) return { api: name, version: UNKNOWN_VERSION, role: DEFAULT_ROLE };
  return { api: m[1]!, version: m[2]!, role: (m[3] as DeploymentRole | undefined) ?? DEFAULT_ROLE };
}

export function formatGatewayService(s: GatewayService): string {
  if (!DEPLOYMENT_ROLES.includes(s.role)) throw new RangeError(`unknown deployment role: ${s.role}`);
  const name = `${s.api}-${s.version}-${s.role}`;
  const back = parseGatewayService(name);
  if (back.api !== s.api || back.version !== s.version) {
    throw new RangeError(`api ${JSON.stringify(s.api)} and version ${JSON.stringify(s.version)} do not round-trip through the service naming convention`);
  }
  return name;
}
