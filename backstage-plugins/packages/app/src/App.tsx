import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import apiDocsPlugin from '@backstage/plugin-api-docs/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import apiObservabilityPlugin from '@api-observatory/backstage-plugin-api-observability';
import asyncApiViewerModule from '@api-observatory/backstage-plugin-asyncapi-viewer/alpha';
import apiGovernancePlugin from '@api-observatory/backstage-plugin-api-governance';
import signInModule from './signIn';

/**
 * The dev and e2e app of the API Observatory plugins (new frontend system).
 * Features are listed explicitly (no package discovery) so the app contains exactly what is tested.
 * The sign-in page (./signIn) offers the guest provider and the backend's sample users (development only).
 */
export default createApp({
  features: [catalogPlugin, apiDocsPlugin, orgPlugin, apiObservabilityPlugin, asyncApiViewerModule, apiGovernancePlugin, signInModule],
});
