export interface Config {
  app?: {
    signIn?: {
      /**
       * What the dev app's sign-in page offers: `keycloak` (the backend's `oidc` provider, Keycloak's login
       * page; app-config.keycloak.yaml sets it) or, when absent, the guest and the development-only sample users.
       * @visibility frontend
       */
      providers?: Array<'keycloak'>;
    };
  };
}
