/**
 * The frontend side of sign-in through Keycloak: an OAuth2/OIDC auth API for the backend's `oidc` provider
 * (packages/backend/src/keycloakAuth.ts), as Backstage documents custom OIDC providers: an API ref of its
 * own and OAuth2.create for provider id `oidc`. Keycloak's login page opens in a popup; the backend's
 * refresh endpoint keeps the session (and re-resolves the catalog user) on reload.
 */
import { OAuth2 } from '@backstage/core-app-api';
import {
  ApiBlueprint, configApiRef, createApiRef, discoveryApiRef, oauthRequestApiRef,
  type BackstageIdentityApi, type OAuthApi, type OpenIdConnectApi, type ProfileInfoApi, type SessionApi,
} from '@backstage/frontend-plugin-api';

export const keycloakAuthApiRef = createApiRef<OAuthApi & OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi>().with({
  id: 'api-observatory.auth.keycloak',
});

export const keycloakAuthApi = ApiBlueprint.make({
  name: 'keycloak-auth',
  params: (defineParams) =>
    defineParams({
      api: keycloakAuthApiRef,
      deps: { discoveryApi: discoveryApiRef, oauthRequestApi: oauthRequestApiRef, configApi: configApiRef },
      factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
        OAuth2.create({
          configApi,
          discoveryApi,
          oauthRequestApi,
          provider: { id: 'oidc', title: 'Keycloak', icon: () => null },
          environment: configApi.getOptionalString('auth.environment'),
          defaultScopes: ['openid', 'profile', 'email'],
        }),
    }),
});
