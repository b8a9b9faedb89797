/**
 * Frontend plugin `api-observability` (new frontend system). Add `apiObservabilityPlugin` (also the
 * default export) to the app's features.
 */
export { apiObservabilityPlugin, apiObservabilityPlugin as default } from './plugin';
export { apiObservabilityApiRef } from './api/ref';
export { traceRouteRef } from './routes';
export { ApiObservabilityClient, ObservabilityApiError, SUMMARY_RANGES, type ApiObservabilityApi, type SummaryRange, type EntityName } from './api/client';
export * from '@api-observatory/backstage-plugin-api-observability-common';
