import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import Gavel from '@material-ui/icons/Gavel';
import { ApiGovernanceClient } from './api/client';
import { apiGovernanceApiRef } from './api/ref';

/** The approvals inbox (`/api-governance`). */
export const rootRouteRef = createRouteRef();

const apiGovernanceApi = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: apiGovernanceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ApiGovernanceClient({ discoveryApi, fetchApi }),
    }),
});

/** Overview card of API entities: environments, the open request, its gates and actions. */
const governanceEntityCard = EntityCardBlueprint.make({
  name: 'promotion',
  params: {
    filter: { kind: 'api' },
    loader: () => import('./components/GovernanceCard').then((m) => <m.GovernanceCard />),
  },
});

/** "Governance" tab of API entities: the card and the history (audit trail and recorded events). */
const governanceEntityContent = EntityContentBlueprint.make({
  name: 'governance',
  params: {
    path: '/governance',
    title: 'Governance',
    filter: { kind: 'api' },
    loader: () => import('./components/GovernanceContent').then((m) => <m.GovernanceContent />),
  },
});

/** The product managers' approvals inbox; its title and icon make the nav item. */
const approvalsPage = PageBlueprint.make({
  params: {
    path: '/api-governance',
    routeRef: rootRouteRef,
    title: 'API approvals',
    icon: <Gavel fontSize="inherit" />,
    loader: () => import('./components/ApprovalsPage').then((m) => <m.ApprovalsPage />),
  },
});

/** API Observatory's governance plugin (new frontend system): promotion card, Governance tab, approvals inbox, API client. */
export const apiGovernancePlugin = createFrontendPlugin({
  pluginId: 'api-governance',
  title: 'API governance',
  icon: <Gavel fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [apiGovernanceApi, governanceEntityCard, governanceEntityContent, approvalsPage],
});
