/**
 * `./legacy`: the api-docs config API factory a legacy app installs renders `asyncapi` definitions with this
 * package's widget and leaves the other types to api-docs' defaults; the new system's module installs the
 * same config.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiEntity } from '@backstage/catalog-model';
import { apiDocsConfigRef, defaultDefinitionWidgets } from '@backstage/plugin-api-docs';
import { asyncApiDocsConfigApi } from './legacy';
import { asyncApiDefinitionWidget } from './widget';

const entity = (type: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'x' }, spec: { type, lifecycle: 'production', owner: 'team', definition: '' } }) as ApiEntity;

test('the legacy api factory implements apiDocsConfigRef with the AsyncAPI widget of this package', () => {
  assert.equal(asyncApiDocsConfigApi.api.id, apiDocsConfigRef.id);
  const config = asyncApiDocsConfigApi.factory({});
  assert.equal(config.getApiDefinitionWidget(entity('asyncapi')), asyncApiDefinitionWidget);
  const openapi = config.getApiDefinitionWidget(entity('openapi'));
  assert.equal(openapi?.type, 'openapi');
  assert.equal(openapi?.title, defaultDefinitionWidgets().find((w) => w.type === 'openapi')?.title);
  assert.equal(config.getApiDefinitionWidget(entity('no-such-type')), undefined);
});
