/*
 * The dev and e2e backend of the API Observatory plugins (new backend system), kept lean:
 * app serving, auth with the guest provider, catalog and permission (allow-all until the
 * governance policy ships). Run it with the working directory set to this package, so that the
 * catalog's file locations in app-config.yaml resolve.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the built frontend (@api-observatory/backstage-app) on the backend's port.
backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
// Logs catalog processing errors (a broken sample entity shows up in the backend's log).
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Validates and lints API entities' definitions (config: apiValidator).
backend.add(import('@api-observatory/backstage-plugin-catalog-backend-module-api-validator'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));

// API observability: per-entity telemetry summaries from Prometheus (config: apiObservability).
backend.add(import('@api-observatory/backstage-plugin-api-observability-backend'));

// API governance: promotion requests with approvals, gates and an audit trail (config: apiGovernance).
// Deployments install its policy module instead of the allow-all one (see the plugin's README).
backend.add(import('@api-observatory/backstage-plugin-api-governance-backend'));

backend.start();
