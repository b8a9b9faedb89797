/**
 * The real Keycloak with the pack's realm files (the ones docker-compose imports), started once for the
 * whole file: each realm issues tokens, and Grafana's Keycloak login (provisioning/grafana.ini) holds
 * against tokens of the sample users: the client, its redirect URI, the groups claim, and the role
 * mapping expression evaluated with the JMESPath dialect Grafana uses (JMESPath Community); and the
 * simulator's traffic with real client-credentials tokens of the partners realm goes through the real
 * collector into Prometheus with the tenant and plan of those tokens, a token without a tenant claim or
 * from another realm under tenant `unknown`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { search } from '@jmespath-community/jmespath';
import { LABELS, PrometheusClient, UNKNOWN_DIMENSION, metricSelector, sum } from '@api-observatory/telemetry-contract';
import type { ConsumerCredential, Summary } from '@api-observatory/traffic-simulator';
import { freePorts, partnerApplications, repoRoot, runDir, startKeycloak, startStack, type RunningKeycloak, type Stack } from '@api-observatory/local-stack';
import { parseIni } from '../compose/helpers';
import { eventually, mapOf } from './helpers';
import { authorizationAnswer, decodeJwt, signInWithCode, tokenRequest, verifiedClaims } from './oidc';

const root = repoRoot();
const grafanaIni = parseIni(readFileSync(path.join(root, 'provisioning', 'grafana.ini'), 'utf8'));
const ini = (section: string, key: string): string => {
  const v = grafanaIni.get(section)?.get(key);
  assert.ok(v !== undefined, `grafana.ini has no [${section}] ${key}`);
  return v;
};
const oauth = (key: string) => ini('auth.generic_oauth', key);
/** `$__env{NAME}` of grafana.ini → the value Keycloak was given for NAME. */
const expand = (kc: RunningKeycloak, v: string) => v.replace(/\$__env\{([A-Z_]+)\}/g, (_m, n: string) => kc.realmEnv[n] ?? `<${n} unset>`);

/** Sample users of realm internal and the Grafana role each must get (by persona: platform, product, developer). */
const SAMPLE_USERS: ReadonlyArray<readonly [string, 'Admin' | 'Editor' | 'Viewer']> = [
  ['alice.platform', 'Admin'],
  ['bruno.sre', 'Editor'],
  ['carla.pm', 'Editor'],
  ['deepak.pm', 'Editor'],
  ['emma.orders', 'Viewer'],
  ['hugo.customers', 'Viewer'],
];

let kc: RunningKeycloak;
const started = Date.now();

before(async () => {
  const [port, managementPort] = await freePorts(2);
  const dir = runDir('it-keycloak');
  kc = await startKeycloak({ port: port!, managementPort: managementPort!, dir: path.join(dir, 'keycloak'), logDir: path.join(dir, 'logs') });
  process.stdout.write(`# keycloak ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});

after(async () => {
  await kc?.stop();
});

describe('Keycloak with the realm files of the Docker stack', () => {
  test('both realms are imported and publish their issuer', async () => {
    assert.deepEqual([...kc.realms].sort(), ['internal', 'partners']);
    for (const realm of kc.realms) {
      const conf = (await (await fetch(`${kc.issuer(realm)}/.well-known/openid-configuration`)).json()) as { issuer: string };
      assert.equal(conf.issuer, kc.issuer(realm));
    }
  });

  test('partners: a consumer application gets a client-credentials token with tenant, plan and country claims', async () => {
    const { access_token } = await tokenRequest(kc.tokenUrl('partners'), {
      grant_type: 'client_credentials', client_id: 'globex-shop', client_secret: kc.realmEnv.KEYCLOAK_PARTNER_APPS_CLIENT_SECRET!,
    });
    const claims = await verifiedClaims(access_token!, kc.issuer('partners'));
    assert.equal(claims.azp, 'globex-shop');
    assert.equal(claims.tenant, 'globex');
    assert.equal(claims.plan, 'pro');
    assert.equal(claims.country, 'DE');
    assert.ok([claims.aud].flat().includes('api-gateway'), `audience api-gateway, got ${JSON.stringify(claims.aud)}`);
  });

  test('partners: a wrong client secret gets no token', async () => {
    await assert.rejects(
      tokenRequest(kc.tokenUrl('partners'), { grant_type: 'client_credentials', client_id: 'globex-shop', client_secret: 'not-the-secret' }),
      /401|unauthorized_client|invalid_client/,
    );
  });

  test('internal: a sample user signs in through the backstage client and her token names her Backstage groups', async () => {
    const { tokens } = await signInWithCode(kc.issuer('internal'), {
      clientId: 'backstage', clientSecret: kc.realmEnv.KEYCLOAK_BACKSTAGE_CLIENT_SECRET!,
      redirectUri: `${kc.realmEnv.BACKSTAGE_PUBLIC_URL}/api/auth/oidc/handler/frame`, scope: 'openid email profile',
    }, { username: 'deepak.pm', password: kc.realmEnv.KEYCLOAK_DEMO_USER_PASSWORD!, newPassword: 'sandbox-deepak-2' });
    const claims = await verifiedClaims(tokens.id_token!, kc.issuer('internal'));
    assert.equal(claims.preferred_username, 'deepak.pm');
    assert.equal(claims.email, 'deepak.rao@acme.example');
    assert.deepEqual([...(claims.groups as string[])].sort(), ['grafana-editors', 'product-leads', 'product-managers']);
  });
});

describe("Grafana's Keycloak login against the real realm", () => {
  const redirectUri = (kc: RunningKeycloak) => `${expand(kc, ini('server', 'root_url')).replace(/\/$/, '')}/login/generic_oauth`;
  const client = (kc: RunningKeycloak) => ({
    clientId: oauth('client_id'),
    clientSecret: expand(kc, oauth('client_secret')),
    redirectUri: redirectUri(kc),
    scope: oauth('scopes'),
  });

  test("grafana.ini's auth and token URLs are this realm's endpoints", async () => {
    const conf = (await (await fetch(`${kc.issuer('internal')}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    for (const [key, endpoint] of [['auth_url', 'authorization_endpoint'], ['token_url', 'token_endpoint'], ['api_url', 'userinfo_endpoint']] as const) {
      assert.equal(new URL(oauth(key).replace(/^\$__env\{[A-Z_]+\}/, 'http://x')).pathname, new URL(conf[endpoint]!).pathname, `${key} = ${endpoint}`);
    }
  });

  test("Keycloak accepts Grafana's redirect URI (root_url + /login/generic_oauth) and refuses another", async () => {
    const ok = await authorizationAnswer(kc.issuer('internal'), oauth('client_id'), redirectUri(kc));
    assert.equal(ok.status, 200, 'the login page');
    const bad = await authorizationAnswer(kc.issuer('internal'), oauth('client_id'), `${redirectUri(kc)}-elsewhere`);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /redirect/i);
  });

  for (const [username, role] of SAMPLE_USERS) {
    test(`${username} signs in as Grafana does and role_attribute_path gives ${role}`, async () => {
      const { tokens, callback } = await signInWithCode(kc.issuer('internal'), client(kc), {
        username, password: kc.realmEnv.KEYCLOAK_DEMO_USER_PASSWORD!, newPassword: `sandbox-${username}-2`,
      });
      assert.equal(`${callback.origin}${callback.pathname}`, redirectUri(kc), 'back at Grafana');
      assert.ok(tokens.refresh_token, 'offline_access / use_refresh_token: a refresh token');
      const idToken = await verifiedClaims(tokens.id_token!, kc.issuer('internal'));
      assert.equal(idToken.azp, oauth('client_id'));
      const userinfo = (await (await fetch(`${kc.issuer('internal')}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as Record<string, unknown>;
      // Grafana reads the ID token first, then the userinfo (api_url): both must carry what it maps.
      for (const [what, data] of [['ID token', idToken], ['userinfo', userinfo]] as const) {
        assert.equal(search(data as never, oauth('login_attribute_path')), username, `${what}: login`);
        assert.match(String(search(data as never, oauth('email_attribute_path'))), /@acme\.example$/, `${what}: email`);
        assert.ok(Array.isArray(search(data as never, oauth('groups_attribute_path'))), `${what}: groups claim`);
        assert.equal(search(data as never, oauth('role_attribute_path')), role, `${what}: role`);
      }
    });
  }

  test('a token without a Grafana group maps to no role, and strict mode refuses the sign-in', async () => {
    // partner.developer (realm partners) is in no Grafana group: her real token must give no role.
    const { tokens } = await signInWithCode(kc.issuer('partners'), {
      clientId: 'backstage', clientSecret: kc.realmEnv.KEYCLOAK_PARTNERS_BACKSTAGE_CLIENT_SECRET!,
      redirectUri: `${kc.realmEnv.BACKSTAGE_PUBLIC_URL}/api/auth/partners/handler/frame`, scope: 'openid email profile',
    }, { username: 'partner.developer', password: kc.realmEnv.KEYCLOAK_DEMO_USER_PASSWORD!, newPassword: 'sandbox-partner-2' });
    const claims = decodeJwt(tokens.id_token!).claims;
    assert.ok(Array.isArray(claims.groups) && claims.groups.length > 0, 'the token has groups');
    // Grafana takes the expression's result only when it is a string (SearchJSONForStringAttr).
    const role = search(claims as never, oauth('role_attribute_path'));
    assert.ok(typeof role !== 'string' || role === '', `no Grafana role, got ${JSON.stringify(role)}`);
    assert.equal(oauth('role_attribute_strict'), 'true');
  });
});

describe('real consumer tokens in traffic: tenant and plan in Prometheus equal what the simulator sent', () => {
  const TENANT = LABELS.tenant.label;
  const PLAN = LABELS.plan.label;
  const CONSUMER = LABELS.consumer.label;
  let stack: Stack | undefined;
  let prom: PrometheusClient;
  let summary: Summary;

  before(async () => {
    // A token of another realm (the master realm's admin) reaching the gateway's claims: its tenant
    // and plan must not count.
    const { access_token: otherRealm } = await tokenRequest(kc.tokenUrl('master'), {
      grant_type: 'password', client_id: 'admin-cli', username: kc.admin.username, password: kc.admin.password,
    });
    const consumerCredentials: ConsumerCredential[] = [...partnerApplications(kc), { token: otherRealm! }];
    assert.ok(consumerCredentials.length >= 6, 'the sample consumer applications');
    stack = await startStack({
      name: 'it-keycloak-traffic',
      scrapeInterval: '1s',
      simulator: { gateway: 'both', rps: 30, seed: 12, leakCredentials: false, consumerCredentials },
      collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
    });
    prom = new PrometheusClient(stack.prometheus.url);
    await sleep(20_000);
    summary = await stack.simulator!.pause();
  });

  after(async () => {
    await stack?.stop();
  });

  const truthBy = (by: readonly string[]) => {
    const out = new Map<string, number>();
    for (const r of summary.breakdown) {
      const key = by.map((b) => (r as unknown as Record<string, string>)[b]).join('|');
      out.set(key, (out.get(key) ?? 0) + r.count);
    }
    return out;
  };

  test('span-derived calls per tenant and plan in Prometheus equal the simulator\'s real-token requests', async () => {
    const want = truthBy([TENANT, PLAN]);
    const got = await eventually('span metrics per tenant and plan', async () => {
      const m = mapOf(await prom.query(sum(metricSelector('trafficCalls'), [TENANT, PLAN])), [TENANT, PLAN]);
      return [...want].every(([k, n]) => m.get(k) === n) ? m : undefined;
    }, 60_000);
    assert.deepEqual(new Map([...got].filter(([, n]) => n > 0)), want);
    const tenants = new Set([...want.keys()].map((k) => k.split('|')[0]));
    assert.ok(['acme', 'globex', 'initech', 'umbrella', 'hooli'].some((t) => tenants.has(t)), `real tenants, got ${[...tenants].join(', ')}`);
  });

  test('a token without a tenant claim, or from another realm, is tenant unknown, never another tenant', async () => {
    const m = mapOf(await prom.query(sum(metricSelector('trafficCalls'), [CONSUMER, TENANT, PLAN])), [CONSUMER, TENANT, PLAN]);
    const rows = [...m].map(([k, n]) => ({ consumer: k.split('|')[0]!, tenant: k.split('|')[1]!, plan: k.split('|')[2]!, n }));
    const legacy = rows.filter((r) => r.consumer === 'legacy-importer');
    const admin = rows.filter((r) => r.consumer === 'admin-cli');
    assert.ok(legacy.length > 0 && admin.length > 0, 'both sent traffic');
    assert.ok(legacy.every((r) => r.tenant === UNKNOWN_DIMENSION && r.plan === 'free'), JSON.stringify(legacy));
    assert.ok(admin.every((r) => r.tenant === UNKNOWN_DIMENSION && r.plan === UNKNOWN_DIMENSION), JSON.stringify(admin));
    // Every other consumer lands in its own token's tenant only.
    const tenantOf = new Map<string, Set<string>>();
    for (const r of rows) if (r.consumer !== 'unauthenticated') tenantOf.set(r.consumer, (tenantOf.get(r.consumer) ?? new Set()).add(r.tenant));
    for (const [consumer, ts] of tenantOf) assert.equal(ts.size, 1, `${consumer}: one tenant, got ${[...ts].join(', ')}`);
    assert.deepEqual(tenantOf.get('acme-web'), new Set(['acme']));
  });
});

test("the simulator's CLI plays the applications named by --clients with tokens from --token-url", () => {
  const apps = partnerApplications(kc).slice(0, 2);
  const summaryFile = path.join(mkdtempSync(path.join(tmpdir(), 'sim-tokens-')), 'summary.json');
  const r = spawnSync(process.execPath, [
    '--conditions=source', '--import', 'tsx', path.join(root, 'packages', 'traffic-simulator', 'src', 'cli.ts'),
    'live', '--gateway', 'kong', '--port', '0', '--otlp-endpoint', 'none', '--rps', '40', '--duration', '3s', '--progress-interval', '10s',
    '--token-url', kc.tokenUrl('partners'), '--clients', apps.map((a) => a.clientId).join(','), '--summary-file', summaryFile,
  ], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CONSUMER_CLIENT_SECRET: apps[0]!.clientSecret } });
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { counts: Record<string, Record<string, number>> };
  const consumers = Object.keys(summary.counts.consumer ?? {}).filter((c) => c !== 'unauthenticated').sort();
  assert.deepEqual(consumers, apps.map((a) => a.clientId).sort());
  assert.ok(Object.keys(summary.counts.tenant ?? {}).every((t) => ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'unknown'].includes(t)), JSON.stringify(summary.counts.tenant));
  const bad = spawnSync(process.execPath, [
    '--conditions=source', '--import', 'tsx', path.join(root, 'packages', 'traffic-simulator', 'src', 'cli.ts'),
    'live', '--gateway', 'kong', '--port', '0', '--otlp-endpoint', 'none', '--duration', '1s', '--token-url', kc.tokenUrl('partners'), '--clients', apps[0]!.clientId,
  ], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CONSUMER_CLIENT_SECRET: 'not-the-secret' } });
  assert.notEqual(bad.status, 0, 'a wrong secret gets no token and the simulator does not start');
  assert.match(bad.stderr, new RegExp(`client ${apps[0]!.clientId}: no token`));
});
