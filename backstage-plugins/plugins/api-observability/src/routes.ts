import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The trace view page, `/api-observability/traces/:traceId`. */
export const traceRouteRef = createRouteRef({ params: ['traceId'] });

/**
 * The same route ref, typed for core-plugin-api: the legacy frontend system mounts the trace page on it,
 * and core-plugin-api's `useRouteRef` resolves it in either system.
 */
export const legacyTraceRouteRef = convertLegacyRouteRef(traceRouteRef);
