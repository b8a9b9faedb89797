/**
 * Backend plugin `api-observability` (new backend system): `backend.add(import('@api-observatory/backstage-plugin-api-observability-backend'))`.
 */
export { apiObservabilityPlugin as default } from './plugin';
export { createRouter, type RouterOptions } from './service/router';
export { readObservabilityConfig, type ObservabilityConfig } from './service/config';
export { RANGES, DEFAULT_RANGE, SummaryBuilder } from './service/summary';
export * from '@api-observatory/backstage-plugin-api-observability-common';
