import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ApiGovernanceApi } from './client';

export const apiGovernanceApiRef = createApiRef<ApiGovernanceApi>().with({
  id: 'plugin.api-governance.client',
  pluginId: 'api-governance',
});
