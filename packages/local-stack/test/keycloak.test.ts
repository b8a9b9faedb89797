/**
 * What the local Keycloak is started with: the Docker stack's realm files (one source) and a value for
 * every placeholder in them. Starting the real Keycloak is e2e/integration/keycloak.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { keycloakRealmDir, keycloakRealmEnv, keycloakRealmFiles, keycloakRealmInputs, keycloakSampleUsers, repoRoot } from '../src';

test('the realm files are the ones docker-compose mounts as Keycloak import folder', () => {
  const compose = parse(readFileSync(path.join(repoRoot(), 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes: string[] }> };
  const mount = compose.services.keycloak!.volumes.find((v) => v.split(':')[1] === '/opt/keycloak/data/import');
  assert.ok(mount, 'compose mounts an import folder');
  assert.equal(path.resolve(repoRoot(), mount.split(':')[0]!), keycloakRealmDir());
  assert.deepEqual(keycloakRealmFiles().map((f) => f.realm), ['internal', 'partners']);
});

test('every placeholder gets a value: given, from the environment, generated secrets, default public URLs', () => {
  const files = keycloakRealmFiles();
  const names = new Set(files.flatMap((f) => f.placeholders));
  assert.ok(names.has('KEYCLOAK_GRAFANA_CLIENT_SECRET') && names.has('KEYCLOAK_DEMO_USER_PASSWORD') && names.has('GRAFANA_PUBLIC_URL'));
  const a = keycloakRealmEnv(files, { BACKSTAGE_PUBLIC_URL: 'http://127.0.0.1:7123' }, { KEYCLOAK_DEMO_USER_PASSWORD: 'from-env' });
  const b = keycloakRealmEnv(files, {}, {});
  assert.deepEqual(new Set(Object.keys(a)), names);
  assert.equal(a.BACKSTAGE_PUBLIC_URL, 'http://127.0.0.1:7123');
  assert.equal(a.KEYCLOAK_DEMO_USER_PASSWORD, 'from-env');
  assert.equal(b.GRAFANA_PUBLIC_URL, 'http://localhost:3000', "the Docker stack's default");
  assert.ok(a.KEYCLOAK_GRAFANA_CLIENT_SECRET!.length >= 20, 'a generated secret');
  assert.notEqual(a.KEYCLOAK_GRAFANA_CLIENT_SECRET, b.KEYCLOAK_GRAFANA_CLIENT_SECRET, 'generated per run');
});

test('a placeholder that is neither a secret nor a known URL is an error naming it and its file', () => {
  const files = [{ file: '/x/odd-realm.json', realm: 'odd', placeholders: ['SOME_HOST'] }];
  assert.throws(() => keycloakRealmEnv(files, {}, {}), /SOME_HOST \(odd-realm\.json\)/);
  assert.equal(keycloakRealmEnv(files, {}, { SOME_HOST: 'h' }).SOME_HOST, 'h');
});

test('placeholders split into fixed values (given, environment, default URLs) and secrets to generate', () => {
  const files = [{ file: '/x/r-realm.json', realm: 'r', placeholders: ['A_SECRET', 'B_PASSWORD', 'GRAFANA_PUBLIC_URL', 'HOST'] }];
  const { fixed, toGenerate } = keycloakRealmInputs(files, { HOST: 'h' }, { B_PASSWORD: 'from-env' });
  assert.deepEqual(fixed, { B_PASSWORD: 'from-env', GRAFANA_PUBLIC_URL: 'http://localhost:3000', HOST: 'h' });
  assert.deepEqual(toGenerate, ['A_SECRET']);
});

test("the banner's sample users: realm internal's password users with the password Keycloak imported, service accounts left out", () => {
  const users = keycloakSampleUsers({ realmEnv: { KEYCLOAK_DEMO_USER_PASSWORD: 'demo-pw' } }, 'internal');
  const carla = users.find((u) => u.username === 'carla.pm');
  assert.deepEqual(carla, { username: 'carla.pm', groups: ['grafana-editors', 'product-managers'], password: 'demo-pw' });
  assert.ok(users.some((u) => u.username === 'emma.orders'));
  assert.ok(!users.some((u) => u.username.startsWith('service-account-')), 'no service account');
  assert.ok(users.every((u) => u.password === 'demo-pw'));
  assert.throws(() => keycloakSampleUsers({ realmEnv: {} }, 'internal'), /KEYCLOAK_DEMO_USER_PASSWORD/);
  assert.throws(() => keycloakSampleUsers({ realmEnv: {} }, 'nope'), /no realm file for realm nope/);
});
