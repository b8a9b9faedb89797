import type { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { mockApis } from '@backstage/test-utils';
import { apiGovernanceApiRef } from '../api/ref';
import type { FakeApi } from './fixtures';

/** The API entity the extensions' tests render in (through EntityProvider); the catalog returns it for every ref. */
export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'orders', namespace: 'default' },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'orders-team', definition: '{}' },
};

/**
 * The Backstage APIs the extensions use, for TestApiProvider: the fake governance API, a permission API
 * allowing the permissions `allowed` accepts, carla.pm signed in (or `userEntityRef`), and a catalog
 * answering with `catalogEntity` (undefined: not in the catalog; default: `entity` for every ref).
 */
export function apis(fake: FakeApi, allowed: (name: string) => boolean, options: { userEntityRef?: string; catalogEntity?: (ref: string) => Entity | undefined } = {}) {
  const catalogEntity = options.catalogEntity ?? (() => entity);
  return [
    [apiGovernanceApiRef, fake],
    [permissionApiRef, mockApis.permission({ authorize: (r) => (allowed(r.permission.name) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY) })],
    [identityApiRef, mockApis.identity({ userEntityRef: options.userEntityRef ?? 'user:default/carla.pm' })],
    [catalogApiRef, { getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({ items: entityRefs.map(catalogEntity) }) }],
  ] as const;
}

/** Where renderInTestApp mounts the catalog's entity page. */
export const routes = { '/catalog/:namespace/:kind/:name': entityRouteRef };
