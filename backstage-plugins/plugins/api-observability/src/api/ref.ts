import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ApiObservabilityApi } from './client';

export const apiObservabilityApiRef = createApiRef<ApiObservabilityApi>().with({
  id: 'plugin.api-observability.client',
  pluginId: 'api-observability',
});
