import { ApiBlueprint, createFrontendPlugin, discoveryApiRef, fetchApiRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { ApiObservabilityClient } from './api/client';
import { apiObservabilityApiRef } from './api/ref';
import { traceRouteRef } from './routes';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';

/** The tab is offered on API and Component entities (it explains a missing annotation)... */
const isApiOrComponent = (entity: Entity) => ['api', 'component'].includes(entity.kind.toLowerCase());
/** ...the overview card only on those that carry the annotation. */
const hasApiName = (entity: Entity) => isApiOrComponent(entity) && !!entity.metadata.annotations?.[API_NAME_ANNOTATION];

const apiObservabilityApi = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: apiObservabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ApiObservabilityClient({ discoveryApi, fetchApi }),
    }),
});

const observabilityEntityContent = EntityContentBlueprint.make({
  name: 'observability',
  params: {
    path: '/observability',
    title: 'Observability',
    filter: isApiOrComponent,
    loader: () => import('./components/ObservabilityContent').then((m) => <m.ObservabilityContent />),
  },
});

const observabilityEntityCard = EntityCardBlueprint.make({
  name: 'observability',
  params: {
    filter: hasApiName,
    loader: () => import('./components/ObservabilityCard').then((m) => <m.ObservabilityCard />),
  },
});

/** The trace view: one trace's span waterfall. No icon, so no nav item: it is opened from trace ids. */
const tracePage = PageBlueprint.make({
  name: 'trace',
  params: {
    path: '/api-observability/traces/:traceId',
    routeRef: traceRouteRef,
    title: 'Trace',
    loader: () => import('./components/TracePage').then((m) => <m.TracePage />),
  },
});

/** API Observatory's observability plugin (new frontend system): the Observability tab and card, the trace view page, and the API client. */
export const apiObservabilityPlugin = createFrontendPlugin({
  pluginId: 'api-observability',
  title: 'API observability',
  routes: { trace: traceRouteRef },
  extensions: [apiObservabilityApi, observabilityEntityContent, observabilityEntityCard, tracePage],
});
