/**
 * The userInfo core service with a user's groups read from the catalog at decision time instead of the
 * groups written into their Backstage token at sign-in. The permission backend builds its policy input
 * (PolicyQueryUser) and the governance backend its actor's groups from this service, so a user removed
 * from a Keycloak group loses that group's governance role as soon as the Keycloak catalog provider has
 * read the realm again, not when a token issued before (valid for an hour) expires.
 *
 * Ownership is what the auth backend's default catalog sign-in gives: the user and the groups of their
 * memberOf relations. A user that is no longer in the catalog owns only themselves. Answers are kept for
 * a few seconds per user, as backend-defaults keeps the token-based ones.
 */
import { coreServices, createServiceFactory, type BackstageCredentials, type BackstageUserInfo, type BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';

/** How long a user's catalog groups are reused before the catalog is read again. */
export const USER_INFO_TTL_MS = 5_000;

/** The user and the groups of their memberOf relations (what signInWithCatalogUser puts in a token). */
export function ownershipOf(userEntityRef: string, entity: Entity | undefined): string[] {
  const groups = (entity?.relations ?? []).filter((r) => r.type === 'memberOf').map((r) => r.targetRef);
  return [userEntityRef, ...new Set(groups)];
}

export const catalogUserInfoServiceFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: { auth: coreServices.auth, catalog: catalogServiceRef },
  createRootContext: () => new Map<string, { at: number; info: Promise<BackstageUserInfo> }>(),
  factory({ auth, catalog }, cache) {
    return {
      async getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo> {
        const principal = credentials.principal as { type?: string };
        if (principal.type !== 'user') throw new Error('Only user credentials are supported');
        const userEntityRef = stringifyEntityRef(parseEntityRef((principal as BackstageUserPrincipal).userEntityRef));
        const hit = cache.get(userEntityRef);
        if (hit && Date.now() - hit.at < USER_INFO_TTL_MS) return hit.info;
        const info = (async () => {
          const entity = await catalog.getEntityByRef(userEntityRef, { credentials: await auth.getOwnServiceCredentials() });
          return { userEntityRef, ownershipEntityRefs: ownershipOf(userEntityRef, entity) };
        })();
        cache.set(userEntityRef, { at: Date.now(), info });
        info.catch(() => cache.delete(userEntityRef));
        return info;
      },
    };
  },
});

export default catalogUserInfoServiceFactory;
