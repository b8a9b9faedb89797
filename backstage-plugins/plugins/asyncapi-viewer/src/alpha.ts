import { ApiBlueprint, createFrontendModule } from '@backstage/frontend-plugin-api';
import { apiDocsConfigRef } from '@backstage/plugin-api-docs';
import { asyncApiDocsConfig } from './config';

/**
 * Overrides the api-docs plugin's `api:api-docs/config` extension (same id, installed as a module of the
 * `api-docs` plugin) with the default widget list in which `asyncapi` is rendered by this package.
 */
export const apiDocsAsyncApiConfig = ApiBlueprint.make({
  name: 'config',
  params: (defineParams) =>
    defineParams({
      api: apiDocsConfigRef,
      deps: {},
      factory: asyncApiDocsConfig,
    }),
});

/** Add to the app's `features` next to the api-docs plugin. */
export const asyncApiViewerModule = createFrontendModule({
  pluginId: 'api-docs',
  extensions: [apiDocsAsyncApiConfig],
});

export default asyncApiViewerModule;
