import { ApiBlueprint, createFrontendModule } from '@backstage/frontend-plugin-api';
import { apiDocsConfigRef, defaultDefinitionWidgets } from '@backstage/plugin-api-docs';
import { withAsyncApiViewer } from './widget';

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
      factory: () => {
        const widgets = withAsyncApiViewer(defaultDefinitionWidgets());
        return {
          getApiDefinitionWidget: (apiEntity) => widgets.find((d) => d.type === apiEntity.spec.type),
        };
      },
    }),
});

/** Add to the app's `features` next to the api-docs plugin. */
export const asyncApiViewerModule = createFrontendModule({
  pluginId: 'api-docs',
  extensions: [apiDocsAsyncApiConfig],
});

export default asyncApiViewerModule;
