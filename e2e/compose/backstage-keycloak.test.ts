/**
 * Docker's Backstage signs people in through Keycloak the way the sandbox does: the same overlay
 * (backstage-plugins/app-config.keycloak.yaml, which the sandbox loads through the local stack's
 * backstageKeycloakConfig), loaded by the image before the Docker overlay, and a compose environment that
 * agrees with the keycloak service and the realm file: service name and port, realm, client ids, secrets
 * from the same compose variables, and the redirect URI of the `backstage` client.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { backstageKeycloakConfig, BACKSTAGE_KEYCLOAK_REALM, keycloakRealmFiles, type RunningKeycloak } from '@api-observatory/local-stack';
import {
  ROOT, argv, backstageRefs, declaredPorts, environment, hostPathFor, interpolate, loadCompose, publishedPorts, readJson, readText, readYaml, rel, sampleEnv, service,
} from './helpers';

const KEYCLOAK_OVERLAY = 'backstage-plugins/app-config.keycloak.yaml';
const IN_IMAGE = `/app/${KEYCLOAK_OVERLAY}`;

const compose = loadCompose();
const backstage = service(compose, 'backstage');
const keycloak = service(compose, 'keycloak');
const be = environment(backstage);
const ke = environment(keycloak);
const overlay = readYaml(KEYCLOAK_OVERLAY);
const oidc = overlay.auth.providers.oidc.development;
const org = overlay.catalog.providers.keycloakOrg.default;
/** An overlay value with the backstage service's environment substituted (`${X:-default}` included). */
const resolve = (v: unknown): string => interpolate(String(v), be);

/** The realm file of realm `name` (provisioning/keycloak). */
function realmDoc(name: string): { realm: string; clients: Array<{ clientId: string; secret?: string; redirectUris?: string[]; serviceAccountsEnabled?: boolean; publicClient?: boolean }> } {
  const f = keycloakRealmFiles().find((r) => r.realm === name);
  assert.ok(f, `no realm file for realm ${name}`);
  return readJson(f.file);
}

/** The compose variable a service's environment entry is read from (`${VAR:?...}` → VAR). */
function composeVariable(s: ReturnType<typeof service>, name: string): string | undefined {
  return /^\$\{([A-Z][A-Z0-9_]*)(?::[?-][^}]*)?\}$/.exec(environment(s, { raw: true })[name] ?? '')?.[1];
}

/** The Dockerfile's CMD as an argument list (JSON form). */
function dockerCmd(): string[] {
  const m = /^CMD\s+(\[.*\])\s*$/m.exec(readText('docker/backstage/Dockerfile'));
  assert.ok(m, 'docker/backstage/Dockerfile has a JSON-form CMD');
  return JSON.parse(m[1]!) as string[];
}

describe("Docker's Backstage signs in through Keycloak with the sandbox's overlay", () => {
  test('the image loads the overlay (bind-mounted from the repository file the sandbox uses) before the Docker overlay', () => {
    const configs = argv(dockerCmd()).flatMap((a, i, all) => (all[i - 1] === '--config' ? [a] : []));
    assert.deepEqual(configs, [IN_IMAGE, '/app/docker/backstage/app-config.docker.yaml'], 'Keycloak overlay first, then the Docker overlay (listen address, public URLs) last');
    assert.equal(rel(hostPathFor(backstage, IN_IMAGE) ?? '(not mounted)'), KEYCLOAK_OVERLAY);
    const sandbox = backstageKeycloakConfig({ url: 'http://127.0.0.1:8080', realmEnv: { KEYCLOAK_BACKSTAGE_CLIENT_SECRET: 'a', KEYCLOAK_CATALOG_CLIENT_SECRET: 'b' } } as unknown as RunningKeycloak);
    assert.equal(path.relative(ROOT, sandbox.configFile), KEYCLOAK_OVERLAY, 'the sandbox loads the same file');
    // Every variable the overlay reads is one the sandbox sets and one compose sets (or has a default).
    for (const r of backstageRefs(overlay, KEYCLOAK_OVERLAY)) {
      assert.ok(r.name in sandbox.env, `${r.where}: the sandbox does not set ${r.name}`);
      if (!r.hasDefault) assert.ok(be[r.name], `${r.where}: ${r.name} is not set for the backstage service`);
    }
  });

  test('KEYCLOAK_URL is the keycloak service on the port it listens on; the backend waits for it to be healthy', () => {
    const u = new URL(be.KEYCLOAK_URL!);
    assert.equal(u.hostname, 'keycloak');
    assert.equal(Number(u.port), Number(ke.KC_HTTP_PORT));
    assert.ok(declaredPorts(keycloak).has(Number(u.port)), 'keycloak exposes that port');
    assert.equal(u.pathname.replace(/\/$/, ''), '', 'Keycloak 17+ serves realms at the root (no /auth)');
    assert.equal(backstage.def.depends_on?.keycloak?.condition, 'service_healthy');
    assert.equal(new URL(resolve(oidc.metadataUrl)).toString(), `${be.KEYCLOAK_URL}/realms/${be.KEYCLOAK_REALM}/.well-known/openid-configuration`);
    assert.equal(resolve(org.baseUrl), be.KEYCLOAK_URL);
    // The browser never sees keycloak:8080: the discovery document names the public hostname.
    assert.equal(ke.KC_HOSTNAME_BACKCHANNEL_DYNAMIC, 'true');
    const published = publishedPorts(keycloak).find((p) => p.container === Number(ke.KC_HTTP_PORT));
    assert.ok(published, 'keycloak publishes its HTTP port');
    assert.equal(new URL(ke.KC_HOSTNAME!).port, String(published.host), 'KC_HOSTNAME is the published port');
  });

  test('realm and clients: the realm the local stack uses, with the clients backstage and backstage-catalog', () => {
    assert.equal(be.KEYCLOAK_REALM, BACKSTAGE_KEYCLOAK_REALM);
    assert.equal(resolve(org.realm), be.KEYCLOAK_REALM);
    assert.equal(resolve(org.loginRealm), be.KEYCLOAK_REALM);
    const realm = realmDoc(be.KEYCLOAK_REALM!);
    const signIn = realm.clients.find((c) => c.clientId === oidc.clientId);
    assert.ok(signIn, `realm ${realm.realm} has the sign-in client ${oidc.clientId}`);
    assert.notEqual(signIn.publicClient, true, 'a confidential client (the backend holds its secret)');
    const catalog = realm.clients.find((c) => c.clientId === org.clientId);
    assert.ok(catalog?.serviceAccountsEnabled, `realm ${realm.realm} has the service-account client ${org.clientId}`);
  });

  test('client secrets: Backstage and Keycloak read each one from the same compose variable', () => {
    const realm = realmDoc(be.KEYCLOAK_REALM!);
    for (const [client, setting] of [[oidc.clientId, oidc.clientSecret], [org.clientId, org.clientSecret]] as const) {
      const realmVar = /^\$\{([A-Z_]+)\}$/.exec(realm.clients.find((c) => c.clientId === client)?.secret ?? '')?.[1];
      assert.ok(realmVar, `${client}: the realm file reads its secret from a placeholder`);
      const backstageVar = /^\$\{([A-Z_]+)\}$/.exec(String(setting))?.[1];
      assert.ok(backstageVar, `${client}: the overlay reads its secret from the environment`);
      const fromCompose = composeVariable(backstage, backstageVar);
      assert.ok(fromCompose, `backstage: ${backstageVar} comes from a required compose variable`);
      assert.equal(fromCompose, composeVariable(keycloak, realmVar), `${client}: same compose variable for backstage's ${backstageVar} and keycloak's ${realmVar}`);
    }
    const session = composeVariable(backstage, 'AUTH_SESSION_SECRET');
    assert.ok(session && sampleEnv()[session], 'the session secret is a required compose variable (docker/.env.example)');
  });

  test("the backstage client's redirect URI is Backstage's public URL + the OIDC handler, the URL the browser reaches", () => {
    const realm = realmDoc(be.KEYCLOAK_REALM!);
    const uris = (realm.clients.find((c) => c.clientId === oidc.clientId)?.redirectUris ?? []).map((u) => interpolate(u, ke));
    const docker = readYaml('docker/backstage/app-config.docker.yaml');
    const baseUrl = resolve(docker.backend.baseUrl);
    assert.deepEqual(uris, [`${baseUrl}/api/auth/oidc/handler/frame`], 'Backstage sends backend.baseUrl + /api/auth/<provider>/handler/frame');
    assert.equal(resolve(docker.app.baseUrl), baseUrl);
    const published = publishedPorts(backstage).find((p) => p.container === Number(resolve(docker.backend.listen.port)));
    assert.ok(published, 'backstage publishes its listen port');
    const u = new URL(baseUrl);
    assert.equal(Number(u.port), published.host, 'the public URL is the published port');
    assert.ok(['localhost', '127.0.0.1'].includes(u.hostname) && published.hostIp === '127.0.0.1', 'published on loopback, reached as localhost');
  });

  test('no header sign-in and no guest next to Keycloak: the overlay removes both', () => {
    assert.equal(overlay.auth.providers.devUsers, null);
    assert.equal(overlay.auth.providers.guest, null);
    assert.deepEqual(overlay.app.signIn.providers, ['keycloak']);
  });
});
