import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The trace view page, `/api-observability/traces/:traceId`. */
export const traceRouteRef = createRouteRef({ params: ['traceId'] });
