/**
 * End-to-end: sign-in through Keycloak and governance roles that follow Keycloak group membership.
 *
 * The real Keycloak of the local stack (packages/local-stack startKeycloak, the realm files the Docker
 * stack imports) and the real dev backend with app-config.keycloak.yaml (the OIDC provider with the
 * keycloakIdMatchingUserEntityAnnotation resolver; users and groups from the community Keycloak catalog
 * module, read every few seconds here) serving the built app, driven by Chromium:
 *
 * 1. The sign-in page offers Keycloak only; the sample-user header sign-in and the guest are refused.
 * 2. emma.orders and farid.payments sign in through Keycloak's real login page (first sign-in: Keycloak asks
 *    for a new password) and request promotions of the APIs their Keycloak groups own (orders, payments).
 * 3. carla.pm (Keycloak group product-managers) signs in the same way and approves emma's request from the
 *    orders API's governance card.
 * 4. An administrator removes carla from product-managers with Keycloak's admin API. Once the catalog
 *    provider has read Keycloak again, the governance API refuses her approve of farid's request (403), even
 *    with the token she got before the removal (the backend reads a user's groups from the catalog), and
 *    after a reload (the auth backend resolves her user entity afresh) Approve is disabled with the reason.
 *
 * Builds nothing: run `npm run build` in backstage-plugins/ first; needs Keycloak (npm run setup).
 *
 *   node --conditions=source --import tsx --test backstage-plugins/e2e-tests/keycloak.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BACKSTAGE_KEYCLOAK_REALM, backstageKeycloakConfig, freePorts, keycloakInstall, runDir, startKeycloak, type RunningKeycloak } from '@api-observatory/local-stack';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { browserSkipReason, clickForJson, handled, launchBrowser, startBackstage, type RunningBackstage } from './harness';
import { USER_INFO_TTL_MS } from '../packages/backend/src/catalogUserInfo';

const REALM = BACKSTAGE_KEYCLOAK_REALM;
const UI_TIMEOUT = 60_000;

function skipReason(): string | undefined {
  try {
    keycloakInstall();
  } catch (e) {
    return (e as Error).message;
  }
  return browserSkipReason();
}

interface Session {
  context: BrowserContext;
  page: Page;
  /** The Backstage token of the current session (from the oidc provider's refresh endpoint). */
  token(): Promise<string>;
  identity(): Promise<{ userEntityRef: string; ownershipEntityRefs: string[] }>;
}

describe('sign-in through Keycloak; governance roles follow Keycloak groups', { concurrency: false }, () => {
  const skip = skipReason();
  let kc: RunningKeycloak;
  let backstage: RunningBackstage;
  let browser: Browser;
  const sessions: Session[] = [];
  const timings: string[] = [];
  let orders: PromotionRequest;
  let payments: PromotionRequest;

  before(async () => {
    if (skip) return;
    const t0 = Date.now();
    const [kcPort, kcManagement, backstagePort] = await freePorts(3);
    const baseUrl = `http://127.0.0.1:${backstagePort}`;
    const dir = runDir('e2e-keycloak');
    kc = await startKeycloak({
      port: kcPort!, managementPort: kcManagement!, dir: path.join(dir, 'keycloak'), logDir: path.join(dir, 'logs'),
      realmEnv: { BACKSTAGE_PUBLIC_URL: baseUrl },
    });
    timings.push(`keycloak ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = Date.now();
    // As the sandbox wires it (local-stack backstageKeycloakConfig), with the catalog reading Keycloak every 5 s.
    const { configFile, env } = backstageKeycloakConfig(kc, { refreshSeconds: 5 });
    backstage = await startBackstage({ name: 'keycloak', port: backstagePort, configFiles: [configFile], env });
    timings.push(`backstage ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    browser = await launchBrowser();
  });

  after(async () => {
    for (const s of sessions) await s.context.close().catch(() => undefined);
    await browser?.close();
    await backstage?.stop();
    await kc?.stop();
    if (timings.length > 0) process.stdout.write(`# started: ${timings.join(', ')}\n`);
  });

  /** Keycloak's admin API as the bootstrap admin of the master realm. */
  const admin = async (method: string, p: string): Promise<Response> => {
    const tokenRes = await fetch(kc.tokenUrl('master'), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: kc.admin.username, password: kc.admin.password }),
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    return fetch(`${kc.url}/admin/realms/${REALM}${p}`, { method, headers: { authorization: `Bearer ${access_token}` } });
  };

  /** The catalog entity of `ref` (kind/namespace/name) with `token`, or undefined. */
  const catalogEntity = async (token: string, ref: string) => {
    const res = await fetch(`${backstage.baseUrl}/api/catalog/entities/by-name/${ref}`, { headers: { authorization: `Bearer ${token}` } });
    return res.ok ? ((await res.json()) as { metadata: { annotations?: Record<string, string> }; spec?: { memberOf?: string[] }; relations?: Array<{ type: string; targetRef: string }> }) : undefined;
  };

  const governance = async (token: string, method: string, p: string, json?: unknown) => {
    const res = await fetch(`${backstage.baseUrl}/api/api-governance${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> };
  };

  /**
   * Opens `url` in a fresh browser context and signs `username` in through the app's sign-in page: Sign In
   * opens Keycloak's login page in a popup, where the user types their password (and, at the first sign-in,
   * the new one Keycloak asks for, as the demo passwords are temporary).
   */
  async function signIn(username: string, url: string, appTimeoutMs = UI_TIMEOUT): Promise<Session> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.setDefaultNavigationTimeout(90_000);
    const session: Session = {
      context,
      page,
      token: async () => (await refresh(page)).backstageIdentity.token,
      identity: async () => (await refresh(page)).backstageIdentity.identity,
    };
    sessions.push(session);
    await page.goto(url);
    const button = page.getByRole('button', { name: 'Sign In' });
    await button.waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
    await popup.waitForURL(`${kc.issuer(REALM)}/**`);
    await popup.locator('#username').fill(username);
    await popup.locator('#password').fill(kc.realmEnv.KEYCLOAK_DEMO_USER_PASSWORD!);
    await popup.locator('#kc-login').click();
    const newPassword = popup.locator('#password-new');
    const closed = handled(popup.waitForEvent('close', { timeout: UI_TIMEOUT }));
    // Either the popup is done (and closes) or Keycloak asks for a new password first.
    await Promise.race([closed, newPassword.waitFor({ timeout: UI_TIMEOUT }).catch(() => closed)]);
    if (!popup.isClosed()) {
      const pw = `e2e-${username}-${randomBytes(6).toString('hex')}`;
      await newPassword.fill(pw);
      await popup.locator('#password-confirm').fill(pw);
      await popup.locator('#kc-passwd-update-form [type="submit"]').click();
      await closed;
    }
    await page.locator('[data-testid="sidebar-root"]').first().waitFor({ state: 'attached', timeout: appTimeoutMs });
    return session;
  }

  /** The oidc provider's refresh answer for the page's session (what the app calls on reload). */
  async function refresh(page: Page): Promise<{ backstageIdentity: { token: string; identity: { userEntityRef: string; ownershipEntityRefs: string[] } } }> {
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/auth/oidc/refresh?env=development', { headers: { 'x-requested-with': 'XMLHttpRequest' }, credentials: 'include' });
      return { status: res.status, text: await res.text() };
    });
    assert.equal(answer.status, 200, `refresh: ${answer.text}`);
    return JSON.parse(answer.text);
  }

  test('the sign-in page offers Keycloak only: no guest, no sample-user header sign-in', { skip }, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${backstage.baseUrl}/catalog`);
      await page.getByRole('button', { name: 'Sign In' }).waitFor({ timeout: UI_TIMEOUT });
      await page.getByText('Sign in to API Observatory with your Keycloak account').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Enter' }).count(), 0, 'no guest card');
      assert.equal(await page.getByTestId('dev-users').count(), 0, 'no sample users');
    } finally {
      await page.close();
    }
    const dev = await fetch(`${backstage.baseUrl}/api/auth/devUsers/refresh`, { headers: { 'x-dev-user': 'carla.pm' } });
    assert.equal(dev.status, 404, 'the header sign-in is not configured');
    assert.equal((await fetch(`${backstage.baseUrl}/api/auth/guest/refresh`)).status, 404, 'no guest sign-in');
  });

  test("users and groups come from Keycloak: the realm's users are catalog users with their Keycloak id", { skip }, async () => {
    // Any Backstage token reads the catalog; the service's own is not at hand, so wait for a sign-in to work:
    // until the catalog has read Keycloak's users once, the sign-in resolver finds no user (on a machine
    // where Keycloak has just imported its realms, that first read can come after Backstage is up).
    const deadline = Date.now() + 120_000;
    let emma: Session;
    for (;;) {
      try {
        emma = await signIn('emma.orders', `${backstage.baseUrl}/catalog/default/api/orders/governance`, 20_000);
        break;
      } catch (e) {
        await sessions.pop()?.context.close().catch(() => undefined);
        if (Date.now() > deadline) throw e;
        await sleep(2_000);
      }
    }
    const identity = await emma.identity();
    assert.equal(identity.userEntityRef, 'user:default/emma.orders');
    assert.ok(identity.ownershipEntityRefs.includes('group:default/orders-team'), JSON.stringify(identity.ownershipEntityRefs));
    const users = (await (await admin('GET', '/users?username=emma.orders&exact=true')).json()) as Array<{ id: string }>;
    const entity = await catalogEntity(await emma.token(), 'user/default/emma.orders');
    assert.equal(entity?.metadata.annotations?.['keycloak.org/id'], users[0]!.id);
    assert.equal(entity?.metadata.annotations?.['keycloak.org/realm'], REALM);
    assert.ok(await catalogEntity(await emma.token(), 'group/default/product-managers'), 'the group product-managers is a catalog group');
  });

  test('developers request promotions of the APIs their Keycloak groups own; a product manager approves', { skip }, async () => {
    const emma = sessions[0]!;
    const farid = await signIn('farid.payments', `${backstage.baseUrl}/catalog/default/api/payments/governance`);
    const request = async (s: Session, api: string) => {
      const res = await governance(await s.token(), 'POST', '/requests', { entityRef: `api:default/${api}`, toEnvironment: 'production', comment: `e2e ${api}` });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as PromotionRequest;
    };
    orders = await request(emma, 'orders');
    payments = await request(farid, 'payments');

    const carla = await signIn('carla.pm', `${backstage.baseUrl}/catalog/default/api/orders/governance`);
    const identity = await carla.identity();
    assert.ok(identity.ownershipEntityRefs.includes('group:default/product-managers'), JSON.stringify(identity.ownershipEntityRefs));
    const card = carla.page.getByTestId('governance-card');
    const approve = card.locator('[data-testid="card-approve"][data-permission="allowed"]');
    await approve.waitFor();
    await approve.click();
    const dialog = carla.page.getByRole('dialog', { name: 'Decide on the promotion request' });
    const approved = await clickForJson<PromotionRequest>(carla.page, dialog.getByTestId('decision-approve'), { method: 'POST', pathEnd: `/requests/${orders.id}/approve`, status: 200 });
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decidedBy, 'user:default/carla.pm');
  });

  test('removed from product-managers in Keycloak, carla may no longer approve once the catalog has read Keycloak again', { skip }, async () => {
    const carla = sessions[2]!;
    const tokenBefore = await carla.token();
    const [user] = (await (await admin('GET', '/users?username=carla.pm&exact=true')).json()) as Array<{ id: string }>;
    const [group] = (await (await admin('GET', '/groups?search=product-managers&exact=true')).json()) as Array<{ id: string; name: string }>;
    assert.equal(group?.name, 'product-managers');
    const removed = await admin('DELETE', `/users/${user!.id}/groups/${group!.id}`);
    assert.equal(removed.status, 204);
    const t0 = Date.now();

    // The catalog provider's next run (every 5 s here) drops the membership from the user entity's spec;
    // the memberOf relations the backend reads follow once the catalog has stitched both the user and the
    // group entity (the group's members emit the same relation), which on a loaded machine takes longer.
    const reader = await sessions[1]!.token();
    const stillMember = (e: Awaited<ReturnType<typeof catalogEntity>>) =>
      !e || (e.spec?.memberOf ?? []).some((g) => /product-managers$/.test(g)) || (e.relations ?? []).some((r) => r.type === 'memberOf' && /product-managers$/.test(r.targetRef));
    for (;;) {
      const e = await catalogEntity(reader, 'user/default/carla.pm');
      if (!stillMember(e)) break;
      if (Date.now() - t0 > 90_000) throw new Error(`carla.pm is still a member after 90 s: ${JSON.stringify({ spec: e?.spec, relations: e?.relations })}`);
      await sleep(1_000);
    }
    process.stdout.write(`# membership gone from the catalog ${((Date.now() - t0) / 1000).toFixed(1)} s after the removal in Keycloak\n`);
    // The backend keeps a user's catalog groups for USER_INFO_TTL_MS (catalogUserInfo.ts).
    await sleep(USER_INFO_TTL_MS + 500);

    // The token she got before the removal still names product-managers, but the backend reads her groups from
    // the catalog (packages/backend/src/catalogUserInfo.ts): refused.
    const withOld = await governance(tokenBefore, 'POST', `/requests/${payments.id}/approve`, { version: 1 });
    assert.equal(withOld.status, 403, JSON.stringify(withOld.body));

    // Her next session (a reload refreshes it through Keycloak and resolves her user entity again).
    await carla.page.goto(`${backstage.baseUrl}/catalog/default/api/payments/governance`);
    const identity = await carla.identity();
    assert.equal(identity.userEntityRef, 'user:default/carla.pm');
    assert.ok(!identity.ownershipEntityRefs.includes('group:default/product-managers'), JSON.stringify(identity.ownershipEntityRefs));
    const approve = carla.page.getByTestId('governance-card').locator('[data-testid="card-approve"][data-permission="denied"]');
    await approve.waitFor();
    assert.ok(await approve.isDisabled());
    assert.match((await approve.getAttribute('data-disabled-reason')) ?? '', /approve/i);
    const refused = await governance(await carla.token(), 'POST', `/requests/${payments.id}/approve`, { version: 1 });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /user:default\/carla\.pm may not approve promotions of api:default\/payments/);
    const still = await governance(await sessions[1]!.token(), 'GET', `/requests/${payments.id}`);
    assert.equal(still.body.state, 'requested', 'nothing changed');
  });
});
