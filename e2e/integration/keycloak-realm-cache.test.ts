/**
 * startKeycloak's realmCache (what the sandbox starts Keycloak with): the first start imports the realm
 * files once (`kc.sh import`) into a kept database, later starts copy it instead of importing. Checked
 * against the real Keycloak: the second start imports nothing, keeps the secrets and the admin the
 * realms were imported with, issues tokens with them, and begins from the imported state again (a
 * password changed in the first run through the admin API is the realm file's password in the second).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freePorts, keycloakInstall, keycloakSampleUsers, runDir, startKeycloak, type RunningKeycloak } from '@api-observatory/local-stack';
import { signInWithCode, tokenRequest } from './oidc';

let skip: string | false = false;
try {
  keycloakInstall();
} catch (e) {
  skip = (e as Error).message;
}

const dir = runDir('it-keycloak-realm-cache');
const cache = path.join(dir, 'realm-cache');
const running: RunningKeycloak[] = [];
after(async () => {
  for (const kc of running) await kc.stop();
});

async function start(run: string): Promise<{ kc: RunningKeycloak; logDir: string; seconds: number }> {
  const [port, managementPort] = await freePorts(2);
  const logDir = path.join(dir, run, 'logs');
  const t0 = Date.now();
  const kc = await startKeycloak({
    port: port!, managementPort: managementPort!, dir: path.join(dir, run, 'keycloak'), logDir,
    realmCache: cache, realmEnv: { BACKSTAGE_PUBLIC_URL: 'http://127.0.0.1:7999' },
  });
  running.push(kc);
  return { kc, logDir, seconds: (Date.now() - t0) / 1000 };
}

/** Signs carla.pm in through the code flow of client `grafana` (its redirect URI is a fixed value here). */
async function signIn(kc: RunningKeycloak, password: string) {
  return signInWithCode(kc.issuer('internal'), {
    clientId: 'grafana', clientSecret: kc.realmEnv.KEYCLOAK_GRAFANA_CLIENT_SECRET!,
    redirectUri: `${kc.realmEnv.GRAFANA_PUBLIC_URL}/login/generic_oauth`, scope: 'openid',
  }, { username: 'carla.pm', password, newPassword: `${password}-new` });
}

async function adminToken(kc: RunningKeycloak): Promise<string> {
  const t = await tokenRequest(kc.tokenUrl('master'), { grant_type: 'password', client_id: 'admin-cli', username: kc.admin.username, password: kc.admin.password });
  return t.access_token!;
}

/** Sets a user's password of realm internal through the admin API (as someone would in the admin console). */
async function setPassword(kc: RunningKeycloak, username: string, value: string): Promise<void> {
  const headers = { authorization: `Bearer ${await adminToken(kc)}`, 'content-type': 'application/json' };
  const users = (await (await fetch(`${kc.url}/admin/realms/internal/users?exact=true&username=${username}`, { headers })).json()) as Array<{ id: string }>;
  assert.equal(users.length, 1, `one user ${username}`);
  const res = await fetch(`${kc.url}/admin/realms/internal/users/${users[0]!.id}/reset-password`, {
    method: 'PUT', headers, body: JSON.stringify({ type: 'password', value, temporary: false }),
  });
  assert.equal(res.status, 204, await res.text());
}

test('a kept realm database: imported once, copied into every later start, each start from the imported state', { skip, timeout: 600_000 }, async () => {
  rmSync(dir, { recursive: true, force: true });

  const first = await start('first');
  const importLog = path.join(first.logDir, 'keycloak-import.log');
  assert.ok(existsSync(importLog), 'the first start imports the realm files (kc.sh import)');
  assert.match(readFileSync(importLog, 'utf8'), /Realm 'internal' imported/);
  const demo = keycloakSampleUsers(first.kc, 'internal').find((u) => u.username === 'carla.pm')!.password;
  const changed = `changed-${Date.now()}`;
  await setPassword(first.kc, 'carla.pm', changed);
  await signIn(first.kc, changed);
  await assert.rejects(signIn(first.kc, demo), /did not redirect/, 'the realm file password is refused once changed');
  await first.kc.stop();

  const second = await start('second');
  process.stdout.write(`# keycloak: first start (import) ${first.seconds.toFixed(1)} s, second start (copy) ${second.seconds.toFixed(1)} s\n`);
  assert.ok(!existsSync(path.join(second.logDir, 'keycloak-import.log')), 'no import on the second start');
  const log = readFileSync(path.join(second.logDir, 'keycloak.log'), 'utf8');
  assert.doesNotMatch(log, /Importing from directory|Initializing database schema/, 'no import and no schema creation');
  assert.deepEqual(second.kc.realmEnv, first.kc.realmEnv, 'the secrets the realms were imported with');
  assert.deepEqual(second.kc.admin, first.kc.admin, 'the admin created with the imported master realm');

  // The realm file's password again (the first run's change stayed in the first run's copy).
  await signIn(second.kc, demo);
  await assert.rejects(signIn(second.kc, changed), /did not redirect/, "the first run's password is gone");
  assert.ok(await adminToken(second.kc), 'the admin signs in');
  const partner = await tokenRequest(second.kc.tokenUrl('partners'), {
    grant_type: 'client_credentials', client_id: 'globex-shop', client_secret: second.kc.realmEnv.KEYCLOAK_PARTNER_APPS_CLIENT_SECRET!,
  });
  assert.ok(partner.access_token, 'a partner application gets a token with the kept secret');
});
