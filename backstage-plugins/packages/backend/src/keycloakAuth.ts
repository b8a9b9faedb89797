/**
 * Sign-in through Keycloak: the OIDC auth provider (`auth.providers.oidc`, the authenticator of
 * @backstage/plugin-auth-backend-module-oidc-provider) with one more sign-in resolver,
 * `keycloakIdMatchingUserEntityAnnotation`, that finds the catalog User entity the Keycloak catalog
 * module (@backstage-community/plugin-catalog-backend-module-keycloak, `catalog.providers.keycloakOrg`)
 * made for the signed-in Keycloak user: its annotations `keycloak.org/id` (the token's `sub`, Keycloak's
 * immutable user id) and `keycloak.org/realm` (the last segment of the token's issuer). A renamed user
 * keeps their entity; a user of another realm, or one the catalog has not ingested, is refused.
 * The module's own resolvers (email based) stay selectable by config.
 *
 * The Backstage token's ownership refs are the user and the groups of the entity's spec.memberOf, i.e.
 * the Keycloak groups as of the last catalog refresh: the governance policy's product-manager and
 * override groups follow Keycloak group membership.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { authProvidersExtensionPoint, createOAuthProviderFactory, createSignInResolverFactory, type OAuthAuthenticatorResult } from '@backstage/plugin-auth-node';
import { oidcAuthenticator, oidcSignInResolvers, type OidcAuthResult } from '@backstage/plugin-auth-backend-module-oidc-provider';

/** The annotations the Keycloak catalog module sets on the users and groups it ingests. */
export const KEYCLOAK_ID_ANNOTATION = 'keycloak.org/id';
export const KEYCLOAK_REALM_ANNOTATION = 'keycloak.org/realm';

/**
 * The Keycloak user id and realm of an OIDC sign-in (issuer `<keycloak>/realms/<realm>`), from the ID
 * token's claims (verified by openid-client) and the userinfo answer's subject.
 */
export function keycloakIdentity(claims: { iss?: unknown; sub?: unknown }, userinfoSub: string): { id: string; realm: string } {
  const id = userinfoSub;
  const realm = /\/realms\/([^/]+)\/?$/.exec(String(claims.iss ?? ''))?.[1];
  if (!id || !realm) throw new NotAllowedError(`not a Keycloak sign-in: issuer ${JSON.stringify(claims.iss)} has no /realms/<realm>`);
  if (claims.sub !== id) throw new NotAllowedError('the ID token and the userinfo answer name different users');
  return { id, realm: decodeURIComponent(realm) };
}

export const keycloakIdMatchingUserEntityAnnotation = createSignInResolverFactory<OAuthAuthenticatorResult<OidcAuthResult>>({
  create() {
    return async (info, ctx) => {
      const { tokenset, userinfo } = info.result.fullProfile;
      const { id, realm } = keycloakIdentity(tokenset.claims(), userinfo.sub);
      try {
        return await ctx.signInWithCatalogUser({ annotations: { [KEYCLOAK_ID_ANNOTATION]: id, [KEYCLOAK_REALM_ANNOTATION]: realm } });
      } catch (e) {
        if ((e as Error).name === 'NotFoundError') {
          throw new NotAllowedError(`Keycloak user ${info.result.fullProfile.userinfo.preferred_username ?? id} of realm ${realm} is not a User entity of the catalog (yet): the Keycloak catalog provider ingests it at its next run`);
        }
        throw e;
      }
    };
  },
});

export const authModuleKeycloakProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'keycloak-oidc-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolverFactories: { ...oidcSignInResolvers, keycloakIdMatchingUserEntityAnnotation },
          }),
        });
      },
    });
  },
});

export default authModuleKeycloakProvider;
