/**
 * End-to-end: real identities in the dev app. The dev-only `devUsers` auth provider issues real Backstage
 * tokens for sample catalog users (header `x-dev-user`), the tokens carry the users' ownership refs, and the
 * governance permission policy installed in the dev backend decides differently for a developer who owns
 * an API (emma.orders, orders-team), a product manager (carla.pm), a product lead (deepak.pm, in
 * product-managers and product-leads: approves and overrides) and the platform team (alice.platform: neither
 * approves nor overrides). With auth.environment=production the
 * provider refuses. The browser test signs Chromium in through the sign-in page ("Sign in as a sample user").
 *
 *   node --conditions=source --import tsx --test 'backstage-plugins/e2e-tests/identity.test.ts'
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  apiPromotionApprovePermission,
  apiPromotionCreatePermission,
  apiPromotionOverridePermission,
} from '@api-observatory/backstage-plugin-api-governance-common';
import { browserSkipReason, launchBrowser, openSignedIn, openSignedInAs, startBackstage, type RunningBackstage } from './harness';

type Permission = { type: string; name: string; attributes: Record<string, unknown>; resourceType?: string };

/** POST /api/permission/authorize for one resource permission on `resourceRef`, as `user`. */
async function authorize(backstage: RunningBackstage, user: string, permission: Permission, resourceRef: string): Promise<string> {
  const res = await backstage.fetchAs(user, '/api/permission/authorize', {
    method: 'POST',
    json: { items: [{ id: 'x', permission, resourceRef }] },
  });
  const body = (await res.json()) as { items?: { id: string; result: string }[] };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.items![0]!.result;
}

describe('dev-user sign-in (auth.environment: development)', () => {
  let backstage: RunningBackstage;
  let browser: Browser | undefined;
  const skipBrowser = browserSkipReason();

  before(async () => {
    backstage = await startBackstage({ name: 'backend-identity' });
    await backstage.waitForApis(['orders', 'payments']);
  });
  after(async () => {
    await browser?.close();
    await backstage?.stop();
  });

  test('emma.orders and carla.pm get different real identities with their ownership refs', async () => {
    const emma = await backstage.signInAs('emma.orders');
    const carla = await backstage.signInAs('carla.pm');
    assert.equal(emma.backstageIdentity.identity.userEntityRef, 'user:default/emma.orders');
    assert.deepEqual([...emma.backstageIdentity.identity.ownershipEntityRefs].sort(), ['group:default/orders-team', 'user:default/emma.orders']);
    assert.equal(emma.profile.displayName, 'Emma Schmidt');
    assert.equal(carla.backstageIdentity.identity.userEntityRef, 'user:default/carla.pm');
    assert.deepEqual([...carla.backstageIdentity.identity.ownershipEntityRefs].sort(), ['group:default/product-managers', 'user:default/carla.pm']);
    assert.notEqual(emma.backstageIdentity.token, carla.backstageIdentity.token);
    // A user in two groups (spec.memberOf) gets both as ownership refs: deepak.pm is a product lead too.
    const deepak = await backstage.signInAs('deepak.pm');
    assert.deepEqual([...deepak.backstageIdentity.identity.ownershipEntityRefs].sort(), ['group:default/product-leads', 'group:default/product-managers', 'user:default/deepak.pm']);

    // The tokens are real: the backend accepts them (and tells the two users apart in ownership queries).
    const owned = async (user: string, refs: string[]) => {
      const q = refs.map((r) => `filter=kind=api,relations.ownedBy=${encodeURIComponent(r)}`).join('&');
      const res = await backstage.fetchAs(user, `/api/catalog/entities?${q}`);
      assert.equal(res.status, 200);
      return ((await res.json()) as { metadata: { name: string } }[]).map((e) => e.metadata.name);
    };
    assert.ok((await owned('emma.orders', emma.backstageIdentity.identity.ownershipEntityRefs)).includes('orders'));
    assert.ok(!(await owned('carla.pm', carla.backstageIdentity.identity.ownershipEntityRefs)).includes('orders'));

    // The full entity ref works too, and the guest provider is still there.
    assert.equal((await backstage.signInAs('user:default/alice.platform')).backstageIdentity.identity.userEntityRef, 'user:default/alice.platform');
    const guest = await (await fetch(`${backstage.baseUrl}/api/auth/guest/refresh`)).json() as { backstageIdentity: { identity: { userEntityRef: string } } };
    assert.equal(guest.backstageIdentity.identity.userEntityRef, 'user:development/guest');
  });

  test('only configured catalog users, named by the header, can sign in', async () => {
    const refresh = (headers: Record<string, string>) => fetch(`${backstage.baseUrl}/api/auth/devUsers/refresh`, { headers });
    const noHeader = await refresh({});
    assert.equal(noHeader.status, 400, await noHeader.text());
    const unlisted = await refresh({ 'x-dev-user': 'bruno.sre' }); // a catalog user, not in auth.providers.devUsers.users
    assert.equal(unlisted.status, 403);
    assert.match(await unlisted.text(), /not listed/);
    const notAUser = await refresh({ 'x-dev-user': 'group:default/product-managers' });
    assert.equal(notAUser.status, 400, await notAUser.text());

    const list = await (await fetch(`${backstage.baseUrl}/api/auth/devUsers/users`)).json() as { users: { name: string; memberOf: string[] }[] };
    const byName = new Map(list.users.map((u) => [u.name, u]));
    assert.deepEqual(byName.get('carla.pm')?.memberOf, ['group:default/product-managers']);
    assert.deepEqual(byName.get('emma.orders')?.memberOf, ['group:default/orders-team']);
    assert.deepEqual([...(byName.get('deepak.pm')?.memberOf ?? [])].sort(), ['group:default/product-leads', 'group:default/product-managers']);
    assert.ok(!byName.has('bruno.sre'));
  });

  test('the governance policy decides per user: owner creates, product manager approves, product lead approves and overrides', async () => {
    const orders = 'api:default/orders';
    assert.equal(await authorize(backstage, 'emma.orders', apiPromotionCreatePermission, orders), 'ALLOW');
    assert.equal(await authorize(backstage, 'emma.orders', apiPromotionApprovePermission, orders), 'DENY');
    assert.equal(await authorize(backstage, 'emma.orders', apiPromotionCreatePermission, 'api:default/payments'), 'DENY');
    assert.equal(await authorize(backstage, 'carla.pm', apiPromotionApprovePermission, orders), 'ALLOW');
    assert.equal(await authorize(backstage, 'carla.pm', apiPromotionCreatePermission, orders), 'DENY');
    assert.equal(await authorize(backstage, 'carla.pm', apiPromotionOverridePermission, orders), 'DENY');
    // Overriding failed gates needs approve AND override: the product lead holds both, the platform team neither.
    assert.equal(await authorize(backstage, 'deepak.pm', apiPromotionApprovePermission, orders), 'ALLOW');
    assert.equal(await authorize(backstage, 'deepak.pm', apiPromotionOverridePermission, orders), 'ALLOW');
    assert.equal(await authorize(backstage, 'alice.platform', apiPromotionApprovePermission, orders), 'DENY');
    assert.equal(await authorize(backstage, 'alice.platform', apiPromotionOverridePermission, orders), 'DENY');
    assert.equal(await authorize(backstage, 'emma.orders', apiPromotionOverridePermission, orders), 'DENY');
  });

  test('Chromium signs in as emma.orders and as carla.pm through the sign-in page', { skip: skipBrowser }, async () => {
    browser = await launchBrowser();
    const apis = `${backstage.baseUrl}/catalog?filters%5Bkind%5D=api&filters%5Buser%5D=owned`;

    const emmaContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const emmaPage = await emmaContext.newPage();
    const emma = await openSignedInAs(emmaPage, apis, 'emma.orders');
    assert.equal(emma.backstageIdentity.identity.userEntityRef, 'user:default/emma.orders');
    assert.ok(emma.backstageIdentity.identity.ownershipEntityRefs.includes('group:default/orders-team'));
    // The catalog's "Owned" filter uses the signed-in identity's ownership refs: emma owns the orders API.
    await emmaPage.locator('a[href$="/catalog/default/api/orders"]').first().waitFor({ timeout: 60_000 });
    assert.equal(await emmaPage.locator('a[href$="/catalog/default/api/payments"]').count(), 0, 'payments is not owned by emma');
    // A reload signs in again silently as the same user.
    const again = emmaPage.waitForResponse((r) => r.url().includes('/api/auth/devUsers/refresh'));
    await emmaPage.reload();
    assert.equal(((await (await again).json()) as { backstageIdentity: { identity: { userEntityRef: string } } }).backstageIdentity.identity.userEntityRef, 'user:default/emma.orders');

    // Switching the same page to carla.pm, then a separate browser context as carla.
    const switched = await openSignedInAs(emmaPage, `${backstage.baseUrl}/catalog`, 'carla.pm');
    assert.equal(switched.backstageIdentity.identity.userEntityRef, 'user:default/carla.pm');
    await emmaContext.close();

    const carlaContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const carla = await openSignedInAs(await carlaContext.newPage(), `${backstage.baseUrl}/catalog`, 'carla.pm');
    assert.deepEqual([...carla.backstageIdentity.identity.ownershipEntityRefs].sort(), ['group:default/product-managers', 'user:default/carla.pm']);
    await carlaContext.close();

    // The guest card still works.
    const guestContext = await browser.newContext();
    const guestPage = await guestContext.newPage();
    const guestRefresh = guestPage.waitForResponse((r) => r.url().includes('/api/auth/guest/refresh'));
    await openSignedIn(guestPage, `${backstage.baseUrl}/catalog`);
    assert.equal(((await (await guestRefresh).json()) as { backstageIdentity: { identity: { userEntityRef: string } } }).backstageIdentity.identity.userEntityRef, 'user:development/guest');
    await guestContext.close();
  });
});

describe('dev-user sign-in with auth.environment: production', () => {
  let backstage: RunningBackstage;

  before(async () => {
    backstage = await startBackstage({ name: 'backend-identity-production', config: { auth: { environment: 'production' } } });
  });
  after(async () => {
    await backstage?.stop();
  });

  test('the devUsers provider refuses every sign-in and lists nobody', async () => {
    const res = await fetch(`${backstage.baseUrl}/api/auth/devUsers/refresh`, { headers: { 'x-dev-user': 'emma.orders' } });
    const body = await res.text();
    assert.equal(res.status, 403, body);
    assert.match(body, /auth\.environment/);
    await assert.rejects(backstage.signInAs('carla.pm'), /403/);
    const list = await fetch(`${backstage.baseUrl}/api/auth/devUsers/users`);
    assert.equal(list.status, 403, await list.text());
  });
});
