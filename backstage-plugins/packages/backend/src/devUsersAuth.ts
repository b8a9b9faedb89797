/**
 * Dev-only multi-user sign-in (auth provider `devUsers`): real Backstage user tokens, issued by the auth
 * backend, for the User entities of the sample catalog, so that the permission framework's ownership and
 * group conditions (and the governance policy's product-manager / owner rules) can be exercised with
 * several people in one dev app and in the e2e tests.
 *
 * How the browser says who it is: the request header `x-dev-user: <user name or entity ref>` on
 * `GET|POST /api/auth/devUsers/refresh`, exactly like an authenticating reverse proxy (oauth2-proxy's
 * `X-Auth-Request-User`, GCP IAP, AWS ALB) would set it. The app's sign-in page (packages/app/src/signIn.tsx)
 * sends it through core-components' ProxiedSignInPage `headers`; Playwright can also set it with
 * `extraHTTPHeaders`; `curl -H 'x-dev-user: emma.orders' .../api/auth/devUsers/refresh` gives a token.
 *
 * Nothing proves the header: whoever reaches the backend can be anybody listed. That is why the provider
 * refuses (403) unless `auth.environment` is `development`, only accepts users listed in
 * `auth.providers.devUsers.users` (or, when that list is absent, any User entity of the catalog) and only
 * users that exist in the catalog; the dev app listens on 127.0.0.1. Never enable it in a deployment.
 *
 * `GET /api/auth/devUsers/users` (unauthenticated, development only) lists the selectable users with their
 * display name and groups, for the sign-in page.
 */
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { type Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { authProvidersExtensionPoint, createProxyAuthenticator, createProxyAuthProviderFactory } from '@backstage/plugin-auth-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import express from 'express';

export const DEV_USERS_PROVIDER_ID = 'devUsers';
/** The request header naming the user (lower case: Node lowercases header names). */
export const DEV_USER_HEADER = 'x-dev-user';

/** What the authenticator hands to the profile transform and the sign-in resolver. */
export interface DevUserResult {
  /** `user:<namespace>/<name>`, lower case. */
  userEntityRef: string;
}

export interface DevUserListing {
  userEntityRef: string;
  name: string;
  displayName?: string;
  email?: string;
  description?: string;
  /** Group refs from spec.memberOf. */
  memberOf: string[];
}

/** `auth.environment` and the `users` allow-list, read once at start. */
export interface DevUsersSettings {
  environment: string;
  /** Allowed user entity refs (lower case); undefined: every User entity of the catalog. */
  users?: string[];
}

export function toUserRef(nameOrRef: string): string {
  const ref = parseEntityRef(nameOrRef.trim(), { defaultKind: 'user', defaultNamespace: 'default' });
  if (ref.kind.toLowerCase() !== 'user') throw new InputError(`${nameOrRef} is not a user entity reference`);
  return stringifyEntityRef(ref).toLowerCase();
}

export function readDevUsersSettings(rootConfig: { getOptionalString(k: string): string | undefined; getOptionalStringArray(k: string): string[] | undefined }): DevUsersSettings {
  const users = rootConfig.getOptionalStringArray(`auth.providers.${DEV_USERS_PROVIDER_ID}.users`);
  return {
    environment: rootConfig.getOptionalString('auth.environment') ?? 'development',
    users: users?.map(toUserRef),
  };
}

function assertDevelopment(settings: DevUsersSettings): void {
  if (settings.environment !== 'development') {
    throw new NotAllowedError(
      `The ${DEV_USERS_PROVIDER_ID} sign-in provider only works when auth.environment is 'development' (it is '${settings.environment}'): ` +
        'it trusts a request header and must never be used outside local development.',
    );
  }
}

/** The proxy authenticator: reads and checks the `x-dev-user` header. */
export function createDevUsersAuthenticator(settings: DevUsersSettings) {
  return createProxyAuthenticator<DevUsersSettings, DevUserResult, undefined>({
    // Replaced by the module's catalog-backed profile transform; kept for the interface.
    defaultProfileTransform: async () => ({ profile: {} }),
    initialize: () => settings,
    async authenticate({ req }, ctx) {
      assertDevelopment(ctx);
      const raw = req.header(DEV_USER_HEADER);
      if (!raw) throw new InputError(`Missing the ${DEV_USER_HEADER} request header (the user to sign in as)`);
      const userEntityRef = toUserRef(raw);
      if (ctx.users && !ctx.users.includes(userEntityRef)) {
        throw new NotAllowedError(`${userEntityRef} is not listed in auth.providers.${DEV_USERS_PROVIDER_ID}.users`);
      }
      return { result: { userEntityRef } };
    },
  });
}

function profileOf(entity: Entity): { displayName?: string; email?: string; picture?: string } {
  const p = (entity.spec?.profile ?? {}) as { displayName?: string; email?: string; picture?: string };
  return { displayName: p.displayName ?? entity.metadata.title ?? entity.metadata.name, email: p.email, picture: p.picture };
}

export const authModuleDevUsersProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'dev-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ providers, config, logger, httpRouter, auth, catalog }) {
        if (!config.has(`auth.providers.${DEV_USERS_PROVIDER_ID}`)) return; // not configured: nothing registered
        const settings = readDevUsersSettings(config);
        if (settings.environment !== 'development') {
          logger.warn(`auth provider ${DEV_USERS_PROVIDER_ID} is configured but auth.environment is '${settings.environment}': it refuses every sign-in`);
        } else {
          logger.warn(`auth provider ${DEV_USERS_PROVIDER_ID} is enabled: anyone reaching this backend can sign in as ${settings.users ? settings.users.join(', ') : 'any catalog user'} (development only)`);
        }

        providers.registerProvider({
          providerId: DEV_USERS_PROVIDER_ID,
          factory: createProxyAuthProviderFactory<DevUserResult>({
            authenticator: createDevUsersAuthenticator(settings),
            // The profile (display name, email) shown by the app comes from the catalog User entity.
            async profileTransform(result, ctx) {
              const { entity } = await ctx.findCatalogUser({ entityRef: result.userEntityRef });
              return { profile: profileOf(entity) };
            },
            // The catalog User entity and its ownership refs (the user and the groups of spec.memberOf, by
            // the auth backend's default ownership resolution): no catalog entity, no sign-in.
            async signInResolver({ result }, ctx) {
              try {
                return await ctx.signInWithCatalogUser({ entityRef: result.userEntityRef });
              } catch (e) {
                if ((e as Error).name === 'NotFoundError') throw new NotAllowedError(`${result.userEntityRef} is not a User entity of the catalog`);
                throw e;
              }
            },
          }),
        });

        // The sign-in page's list of selectable users.
        const router = express.Router();
        router.get(`/${DEV_USERS_PROVIDER_ID}/users`, async (_req, res, next) => {
          try {
            assertDevelopment(settings);
            const credentials = await auth.getOwnServiceCredentials();
            const { items } = await catalog.getEntities(
              { filter: { kind: 'User' }, fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.description', 'spec.profile', 'spec.memberOf'] },
              { credentials },
            );
            const byRef = new Map(items.map((e) => [stringifyEntityRef(e).toLowerCase(), e]));
            const refs = settings.users ?? [...byRef.keys()].sort();
            const users: DevUserListing[] = refs.flatMap((ref) => {
              const e = byRef.get(ref);
              if (!e) return [];
              const memberOf = ((e.spec?.memberOf ?? []) as string[]).map((g) =>
                stringifyEntityRef(parseEntityRef(g, { defaultKind: 'group', defaultNamespace: e.metadata.namespace ?? 'default' })),
              );
              return [{ userEntityRef: ref, name: e.metadata.name, ...profileOf(e), description: e.metadata.description, memberOf }];
            });
            res.json({ users });
          } catch (e) {
            next(e);
          }
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: `/${DEV_USERS_PROVIDER_ID}/users`, allow: 'unauthenticated' });
      },
    });
  },
});

export default authModuleDevUsersProvider;
