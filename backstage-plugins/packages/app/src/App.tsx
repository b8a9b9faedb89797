import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import apiDocsPlugin from '@backstage/plugin-api-docs/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import apiObservabilityPlugin from '@api-observatory/backstage-plugin-api-observability';
import asyncApiViewerModule from '@api-observatory/backstage-plugin-asyncapi-viewer/alpha';

/**
 * The dev and e2e app of the API Observatory plugins (new frontend system).
 * Features are listed explicitly (no package discovery) so the app contains exactly what is tested.
 * The app plugin's default sign-in page offers the guest provider, which the backend enables.
 */
export default createApp({
  features: [catalogPlugin, apiDocsPlugin, orgPlugin, apiObservabilityPlugin, asyncApiViewerModule],
});
