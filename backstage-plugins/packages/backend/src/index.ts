/*
 * The dev and e2e backend of the API Observatory plugins (new backend system), kept lean:
 * app serving, auth (guest + the dev-only sample-user provider), catalog, permission with the
 * governance policy, notifications and signals. Run it with the working directory set to this
 * package, so that the catalog's file locations in app-config.yaml resolve.
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleApiGovernancePolicy } from '@api-observatory/backstage-plugin-api-governance-backend';

const backend = createBackend();

// A user's groups for permission decisions come from the catalog (a few seconds' cache), not from the token
// issued at sign-in: a group membership removed in Keycloak ends with the catalog's next read of Keycloak.
backend.add(import('./catalogUserInfo'));

// Serves the built frontend (@api-observatory/backstage-app) on the backend's port.
backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// DEV ONLY: sign in as a sample catalog user named by the `x-dev-user` header (auth.providers.devUsers;
// refuses unless auth.environment is development). See devUsersAuth.ts and README.md.
backend.add(import('./devUsersAuth'));
// Sign-in through Keycloak (auth.providers.oidc; unconfigured, it offers nothing): the OIDC provider with a
// resolver to the User entity the Keycloak catalog module ingested. See keycloakAuth.ts.
backend.add(import('./keycloakAuth'));

backend.add(import('@backstage/plugin-catalog-backend'));
// Logs catalog processing errors (a broken sample entity shows up in the backend's log).
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Validates and lints API entities' definitions (config: apiValidator).
backend.add(import('@api-observatory/backstage-plugin-catalog-backend-module-api-validator'));
// Users and groups from Keycloak (catalog.providers.keycloakOrg; none configured, it reads nothing).
backend.add(import('@backstage-community/plugin-catalog-backend-module-keycloak'));

backend.add(import('@backstage/plugin-permission-backend'));
// The governance policy (promotion create/cancel: API owners; approve/reject/promote/rollback: product
// managers; override: apiGovernance.policy.overrideGroups; every other permission: ALLOW).
backend.add(permissionModuleApiGovernancePolicy);

// Notifications (the governance plugin notifies API consumers) and signals (live updates to the browser).
// The EventsService they use is a default service of @backstage/backend-defaults (in-process); the events
// backend plugin is only needed for an event bus across several backend instances.
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// API observability: per-entity telemetry summaries from Prometheus (config: apiObservability).
backend.add(import('@api-observatory/backstage-plugin-api-observability-backend'));

// API governance: promotion requests with approvals, gates and an audit trail (config: apiGovernance).
// Its policy module is installed above, with the permission backend.
backend.add(import('@api-observatory/backstage-plugin-api-governance-backend'));

backend.start();
