import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { RELATION_OWNED_BY, parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
import type { ApiOwnership } from './alert-inbox';

/**
 * The catalog API of each api name: the entity annotated with it that is also named so (the convention),
 * else the only one annotated with it; none when several others claim it (no guess).
 */
export function chooseApiEntities(apis: string[], entities: Entity[]): Map<string, Entity> {
  const chosen = new Map<string, Entity>();
  for (const api of apis) {
    const claiming = entities.filter((e) => e.metadata.annotations?.[API_NAME_ANNOTATION] === api);
    const entity = claiming.find((e) => e.metadata.name === api) ?? (claiming.length === 1 ? claiming[0] : undefined);
    if (entity) chosen.set(api, entity);
  }
  return chosen;
}

export function apiEntityRefs(apis: string[], entities: Entity[]): Map<string, string> {
  return new Map([...chooseApiEntities(apis, entities)].map(([api, e]) => [api, stringifyEntityRef(e)]));
}

/** Owners of an entity: its ownedBy relations (the catalog resolved spec.owner), else spec.owner itself. */
export function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? []).filter((r) => r.type === RELATION_OWNED_BY).map((r) => r.targetRef);
  if (related.length) return [...new Set(related)];
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  return [stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }))];
}

/** Looks an api name up in the catalog with the given (service) credentials. */
export function catalogApiResolver(catalog: Pick<CatalogService, 'getEntities'>, credentials: () => Promise<BackstageCredentials>) {
  return async (api: string): Promise<ApiOwnership | undefined> => {
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'API', [`metadata.annotations.${API_NAME_ANNOTATION}`]: api },
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations', 'spec.owner', 'relations'],
      },
      { credentials: await credentials() },
    );
    const entity = chooseApiEntities([api], items).get(api);
    if (!entity) return undefined;
    const ns = entity.metadata.namespace ?? 'default';
    const link = `/catalog/${encodeURIComponent(ns)}/${encodeURIComponent(entity.kind.toLowerCase())}/${encodeURIComponent(entity.metadata.name)}/observability`;
    return { entityRef: stringifyEntityRef(entity), link, owners: ownersOf(entity) };
  };
}
