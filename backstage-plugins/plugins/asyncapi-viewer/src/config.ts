import { defaultDefinitionWidgets, type ApiDocsConfig } from '@backstage/plugin-api-docs';
import { withAsyncApiViewer } from './widget';

/** The api-docs plugin's config (`apiDocsConfigRef`): its default widgets, with `asyncapi` rendered by this package. */
export function asyncApiDocsConfig(): ApiDocsConfig {
  const widgets = withAsyncApiViewer(defaultDefinitionWidgets());
  return { getApiDefinitionWidget: (apiEntity) => widgets.find((d) => d.type === apiEntity.spec.type) };
}
