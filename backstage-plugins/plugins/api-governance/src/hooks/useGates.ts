import useAsync from 'react-use/esm/useAsync';
import type { GateInfo } from '@api-observatory/backstage-plugin-api-governance-common';
import type { ApiGovernanceApi } from '../api/client';

/** The backend's gates by name. */
export type GatesByName = Readonly<Record<string, GateInfo>>;

const NONE: GatesByName = {};
/** One `GET /gates` per API client: the registry changes only with a backend deployment. */
const registries = new WeakMap<ApiGovernanceApi, Promise<GatesByName>>();

function registryOf(api: ApiGovernanceApi): Promise<GatesByName> {
  let registry = registries.get(api);
  if (!registry) {
    registry = api.listGates().then((gates) => Object.fromEntries(gates.map((g) => [g.name, g])));
    // A failed fetch is not kept: the next view asks again.
    registry.catch(() => registries.delete(api));
    registries.set(api, registry);
  }
  return registry;
}

/**
 * The gate registry's metadata (title, description) by gate name, to show a gate by its title. Empty
 * while it loads or when the backend cannot list its gates: the views then show each gate's name.
 */
export function useGates(api: ApiGovernanceApi): GatesByName {
  const { value } = useAsync(() => registryOf(api), [api]);
  return value ?? NONE;
}
