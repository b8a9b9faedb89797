/**
 * The `api-observability` plugin for apps still on Backstage's legacy frontend system (`createApp` from
 * `@backstage/app-defaults`, entity pages written in JSX). Apps on the new frontend system install the
 * package's main entry instead.
 *
 * ```tsx
 * // packages/app/src/components/catalog/EntityPage.tsx
 * <EntityLayout.Route path="/observability" title="Observability" if={isApiObservabilityAvailable}>
 *   <EntityApiObservabilityContent />
 * </EntityLayout.Route>
 * // packages/app/src/App.tsx
 * <Route path="/api-observability/traces/:traceId" element={<ApiObservabilityTracePage />} />
 * ```
 */
import type { Entity } from '@backstage/catalog-model';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
import { ApiObservabilityClient } from './api/client';
import { apiObservabilityApiRef } from './api/ref';
import { legacyTraceRouteRef } from './routes';

/** The plugin: its API client and the trace page's route. */
export const apiObservabilityPlugin = createPlugin({
  id: 'api-observability',
  apis: [
    createApiFactory({
      api: apiObservabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ApiObservabilityClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { trace: legacyTraceRouteRef },
});

/** Whether an entity names its API's telemetry (the overview card needs it; the tab explains its absence). */
export const isApiObservabilityAvailable = (entity: Entity): boolean => !!entity.metadata.annotations?.[API_NAME_ANNOTATION];

/** The Observability tab of an API or Component entity page. */
export const EntityApiObservabilityContent = apiObservabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityApiObservabilityContent',
    component: { lazy: () => import('./components/ObservabilityContent').then((m) => m.ObservabilityContent) },
  }),
);

/** The entity overview card: the last hour at a glance. */
export const EntityApiObservabilityCard = apiObservabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityApiObservabilityCard',
    component: { lazy: () => import('./components/ObservabilityCard').then((m) => m.ObservabilityCard) },
  }),
);

/** One trace's span waterfall; mount it at `/api-observability/traces/:traceId`, where the tab links. */
export const ApiObservabilityTracePage = apiObservabilityPlugin.provide(
  createRoutableExtension({
    name: 'ApiObservabilityTracePage',
    component: () => import('./components/TracePage').then((m) => m.TracePage),
    mountPoint: legacyTraceRouteRef,
  }),
);

export { apiObservabilityApiRef } from './api/ref';
export { ApiObservabilityClient, ObservabilityApiError, type ApiObservabilityApi } from './api/client';
