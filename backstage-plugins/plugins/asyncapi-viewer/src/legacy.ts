/**
 * For apps still on Backstage's legacy frontend system: the api-docs plugin's config API with the
 * AsyncAPI widget of this package. Add it to the app's `apis` (packages/app/src/apis.ts), in place of
 * any other `apiDocsConfigRef` factory:
 *
 * ```ts
 * import { asyncApiDocsConfigApi } from '@api-observatory/backstage-plugin-asyncapi-viewer/legacy';
 * export const apis: AnyApiFactory[] = [asyncApiDocsConfigApi, ...];
 * ```
 *
 * Apps on the new frontend system install the module of `./alpha` instead.
 */
import { createApiFactory } from '@backstage/frontend-plugin-api';
import { apiDocsConfigRef } from '@backstage/plugin-api-docs';
import { asyncApiDocsConfig } from './config';

/** `apiDocsConfigRef` implemented with api-docs' default widgets, `asyncapi` rendered by this package. */
export const asyncApiDocsConfigApi = createApiFactory({ api: apiDocsConfigRef, deps: {}, factory: asyncApiDocsConfig });

export { asyncApiDocsConfig } from './config';
