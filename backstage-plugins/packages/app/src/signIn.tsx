/**
 * The dev app's sign-in page (new frontend system: a module of the app plugin replacing its default
 * sign-in page). It offers:
 *
 * - **Guest** ("Enter"): the guest auth provider, `user:development/guest`;
 * - **Sign in as a sample user**: the users of the backend's DEV-ONLY `devUsers` provider
 *   (packages/backend/src/devUsersAuth.ts), listed by `GET /api/auth/devUsers/users`. Choosing one signs in
 *   through core-components' ProxiedSignInPage, which calls `/api/auth/devUsers/refresh` with the header
 *   `x-dev-user: <name>` (as an authenticating reverse proxy would) and keeps refreshing the real
 *   Backstage token the auth backend issues for that catalog user.
 *
 * The choice is remembered in localStorage, so a reload signs in again silently; signing out forgets it.
 *
 * With `app.signIn.providers: [keycloak]` (app-config.keycloak.yaml) it offers Keycloak alone instead:
 * core-components' SignInPage for the backend's `oidc` provider (./keycloakAuth), which first tries the
 * existing session silently and otherwise shows a Sign In button opening Keycloak's login page.
 */
import { useCallback, useEffect, useState, type ComponentType } from 'react';
import { configApiRef, createFrontendModule, discoveryApiRef, useApi, type IdentityApi } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint, type SignInPageProps } from '@backstage/plugin-app-react';
import { Content, ErrorPanel, Header, InfoCard, Page, Progress, ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { keycloakAuthApi, keycloakAuthApiRef } from './keycloakAuth';

/** localStorage key of the remembered choice. */
export const DEV_SIGN_IN_STORAGE_KEY = 'api-observatory:dev-sign-in';
const DEV_USERS_PROVIDER = 'devUsers';
const DEV_USER_HEADER = 'x-dev-user';

type Choice = { provider: 'guest' } | { provider: typeof DEV_USERS_PROVIDER; user: string };

interface DevUser {
  userEntityRef: string;
  name: string;
  displayName?: string;
  email?: string;
  description?: string;
  memberOf: string[];
}

function readChoice(): Choice | undefined {
  try {
    const c = JSON.parse(localStorage.getItem(DEV_SIGN_IN_STORAGE_KEY) ?? 'null');
    if (c?.provider === 'guest') return { provider: 'guest' };
    if (c?.provider === DEV_USERS_PROVIDER && typeof c.user === 'string') return { provider: DEV_USERS_PROVIDER, user: c.user };
  } catch {
    // ignore a malformed value
  }
  return undefined;
}

function storeChoice(choice: Choice | undefined): void {
  if (choice) localStorage.setItem(DEV_SIGN_IN_STORAGE_KEY, JSON.stringify(choice));
  else localStorage.removeItem(DEV_SIGN_IN_STORAGE_KEY);
}

/** The identity, with a signOut that also forgets the remembered choice. */
function forgetOnSignOut(identity: IdentityApi): IdentityApi {
  return new Proxy(identity, {
    get(target, prop) {
      if (prop === 'signOut') {
        return async () => {
          storeChoice(undefined);
          await target.signOut();
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const shortRef = (ref: string) => ref.replace(/^[^:]+:(default\/)?/, '');

function useDevUsers(): { users?: DevUser[]; error?: Error } {
  const discoveryApi = useApi(discoveryApiRef);
  const [state, setState] = useState<{ users?: DevUser[]; error?: Error }>({});
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const res = await fetch(`${await discoveryApi.getBaseUrl('auth')}/${DEV_USERS_PROVIDER}/users`);
      const body = await res.json().catch(() => undefined);
      if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
      return (body?.users ?? []) as DevUser[];
    })().then(
      (users) => !cancelled && setState({ users }),
      (error: Error) => !cancelled && setState({ error }),
    );
    return () => {
      cancelled = true;
    };
  }, [discoveryApi]);
  return state;
}

function ChooserPage({ onChoose }: { onChoose(choice: Choice): void }) {
  const configApi = useApi(configApiRef);
  const { users, error } = useDevUsers();
  return (
    <Page themeId="home">
      <Header title={configApi.getOptionalString('app.title') ?? 'Backstage'} subtitle="Development sign-in" />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard
              title="Guest"
              variant="fullHeight"
              actions={
                <Button color="primary" variant="outlined" onClick={() => onChoose({ provider: 'guest' })}>
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">Sign in as the guest user (user:development/guest), who owns nothing.</Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title="Sign in as a sample user" subheader="Development only: users of the sample catalog, with their real groups and permissions.">
              {error && <Typography color="error">Sample users are not available: {error.message}</Typography>}
              {!error && !users && <Progress />}
              {users?.length === 0 && <Typography>No sample users are configured (auth.providers.devUsers.users).</Typography>}
              {users && users.length > 0 && (
                <List dense data-testid="dev-users">
                  {users.map((u) => (
                    <ListItem key={u.userEntityRef}>
                      <ListItemText
                        primary={`${u.displayName ?? u.name} (${u.name})`}
                        secondary={[u.memberOf.map(shortRef).join(', '), u.description].filter(Boolean).join(' · ')}
                      />
                      <Button
                        color="primary"
                        variant="outlined"
                        size="small"
                        style={{ marginLeft: 16, flexShrink: 0 }}
                        data-testid={`dev-user-${u.name}`}
                        onClick={() => onChoose({ provider: DEV_USERS_PROVIDER, user: u.userEntityRef })}
                      >
                        Sign in as {u.name}
                      </Button>
                    </ListItem>
                  ))}
                </List>
              )}
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}

/** Keycloak (the backend's oidc provider) alone. */
function KeycloakSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const title = configApi.getOptionalString('app.title') ?? 'Backstage';
  return (
    <SignInPage
      {...props}
      provider={{ id: 'keycloak', title: 'Keycloak', message: `Sign in to ${title} with your Keycloak account`, apiRef: keycloakAuthApiRef }}
    />
  );
}

/** Keycloak when the config says so, else guest or a sample user; the app's SignInPage component. */
export function AppSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const providers = configApi.getOptionalStringArray('app.signIn.providers') ?? [];
  return providers.includes('keycloak') ? <KeycloakSignInPage {...props} /> : <DevSignInPage {...props} />;
}

/** Guest or a sample user. */
export function DevSignInPage(props: SignInPageProps) {
  const { onSignInSuccess } = props;
  const [choice, setChoice] = useState<Choice | undefined>(readChoice);
  const choose = useCallback((c: Choice | undefined) => {
    storeChoice(c);
    setChoice(c);
  }, []);
  const onSuccess = useCallback((identity: IdentityApi) => onSignInSuccess(forgetOnSignOut(identity)), [onSignInSuccess]);
  const ErrorComponent: ComponentType<{ error?: Error }> = useCallback(
    ({ error }: { error?: Error }) => (
      <Page themeId="home">
        <Header title="Sign-in failed" />
        <Content>
          <ErrorPanel title="Sign-in failed" error={error ?? new Error('unknown error')} />
          <Button color="primary" variant="contained" style={{ marginTop: 16 }} onClick={() => choose(undefined)}>
            Back to sign-in
          </Button>
        </Content>
      </Page>
    ),
    [choose],
  );

  if (!choice) return <ChooserPage onChoose={choose} />;
  const key = choice.provider === 'guest' ? 'guest' : `${choice.provider}:${choice.user}`;
  return (
    <ProxiedSignInPage
      key={key}
      {...props}
      onSignInSuccess={onSuccess}
      provider={choice.provider}
      headers={choice.provider === DEV_USERS_PROVIDER ? { [DEV_USER_HEADER]: choice.user } : undefined}
      ErrorComponent={ErrorComponent}
    />
  );
}

/** Add to the app's `features`: replaces the app plugin's default (guest-only) sign-in page. */
export default createFrontendModule({
  pluginId: 'app',
  extensions: [
    keycloakAuthApi,
    SignInPageBlueprint.make({
      params: {
        loader: async () => AppSignInPage,
      },
    }),
  ],
});
