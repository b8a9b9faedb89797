/**
 * The `api-governance` plugin for apps still on Backstage's legacy frontend system (`createApp` from
 * `@backstage/app-defaults`, entity pages written in JSX). Apps on the new frontend system install the
 * package's main entry instead.
 *
 * ```tsx
 * // packages/app/src/components/catalog/EntityPage.tsx, in the API entity page
 * <EntityLayout.Route path="/governance" title="Governance"><EntityGovernanceContent /></EntityLayout.Route>
 * // ...and in its overview: <EntityGovernanceCard />
 * // packages/app/src/App.tsx
 * <Route path="/api-governance" element={<ApiGovernancePage />} />
 * ```
 */
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ApiGovernanceClient } from './api/client';
import { apiGovernanceApiRef } from './api/ref';
import { rootRouteRef } from './plugin';

/** The approvals inbox's route in the legacy system: the same route ref as the new system's page. */
const legacyRootRouteRef = convertLegacyRouteRef(rootRouteRef);

/** The plugin: its API client and the approvals inbox's route. */
export const apiGovernancePlugin = createPlugin({
  id: 'api-governance',
  apis: [
    createApiFactory({
      api: apiGovernanceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ApiGovernanceClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyRootRouteRef },
});

/** The promotion card of an API entity's overview: environments, the open request, its gates and actions. */
export const EntityGovernanceCard = apiGovernancePlugin.provide(
  createComponentExtension({
    name: 'EntityGovernanceCard',
    component: { lazy: () => import('./components/GovernanceCard').then((m) => m.GovernanceCard) },
  }),
);

/** The Governance tab of an API entity: the card and the history (audit trail and recorded events). */
export const EntityGovernanceContent = apiGovernancePlugin.provide(
  createComponentExtension({
    name: 'EntityGovernanceContent',
    component: { lazy: () => import('./components/GovernanceContent').then((m) => m.GovernanceContent) },
  }),
);

/** The product managers' approvals inbox; mount it at `/api-governance`. */
export const ApiGovernancePage = apiGovernancePlugin.provide(
  createRoutableExtension({
    name: 'ApiGovernancePage',
    component: () => import('./components/ApprovalsPage').then((m) => m.ApprovalsPage),
    mountPoint: legacyRootRouteRef,
  }),
);

export { apiGovernanceApiRef } from './api/ref';
export { ApiGovernanceClient, GovernanceApiError, type ApiGovernanceApi } from './api/client';
