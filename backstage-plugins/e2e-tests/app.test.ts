/**
 * End-to-end: the real Backstage backend (SQLite in memory, then PostgreSQL) serving the built frontend
 * and the sample catalog; headless Chromium browses it. Builds nothing: run `npm run build` in
 * backstage-plugins/ first (the browser tests skip, saying so, when the bundle is missing).
 *
 *   node --conditions=source --import tsx --test 'backstage-plugins/e2e-tests/**\/*.test.ts'
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  SAMPLE_APIS,
  SAMPLE_EVENT_APIS,
  SAMPLE_HTTP_APIS,
  browserSkipReason,
  dropDatabases,
  launchBrowser,
  openSignedIn,
  pgQuery,
  postgresFromEnv,
  postgresSkipReason,
  startBackstage,
  startLocalPostgres,
  type CatalogEntity,
  type LocalPostgres,
  type PostgresConnection,
  type RunningBackstage,
} from './harness';

describe('dev app on SQLite (in memory)', () => {
  let backstage: RunningBackstage;
  let browser: Browser | undefined;
  const skipBrowser = browserSkipReason();

  before(async () => {
    backstage = await startBackstage({ name: 'backend-sqlite' });
    await backstage.waitForApis();
  });
  after(async () => {
    await browser?.close();
    await backstage?.stop();
  });

  test('the catalog API serves the sample APIs with their observability annotations', async () => {
    const apis = await backstage.getJson<CatalogEntity[]>('/api/catalog/entities?filter=kind=api');
    const byName = new Map(apis.map((e) => [e.metadata.name, e]));
    for (const name of SAMPLE_HTTP_APIS) {
      const a = byName.get(name)?.metadata.annotations ?? {};
      assert.equal(a['api-observatory.io/api-name'], name, `${name}: api-name annotation`);
      // One gateway, or a comma-separated list of the gateways that serve the API (orders: both).
      assert.match(a['api-observatory.io/gateway'] ?? '', /^(kong|apisix)( *, *(kong|apisix))*$/, `${name}: gateway annotation`);
    }
    for (const name of SAMPLE_EVENT_APIS) {
      assert.equal(byName.get(name)?.spec?.type, 'asyncapi', `${name} is an AsyncAPI`);
    }
    const orders = byName.get('orders')!;
    assert.match(String(orders.spec?.definition), /^openapi: 3\.1\.0/);
    assert.match(String(byName.get('notification-events')!.spec?.definition), /^asyncapi: 3\.0\.0/);
    assert.match(String(byName.get('inventory-events')!.spec?.definition), /^asyncapi: 2\.6\.0/);

    const groups = await backstage.getJson<CatalogEntity[]>('/api/catalog/entities?filter=kind=group');
    const groupNames = groups.map((g) => g.metadata.name);
    assert.ok(groupNames.includes('api-platform-team') && groupNames.includes('product-managers'), groupNames.join(', '));
    const system = await backstage.getJson<CatalogEntity>('/api/catalog/entities/by-name/system/default/api-platform');
    assert.equal(system.spec?.owner, 'api-platform-team');
  });

  test('the backend serves the app: catalog page lists the sample APIs', { skip: skipBrowser }, async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await openSignedIn(page, `${backstage.baseUrl}/catalog?filters%5Bkind%5D=api`);
    const links = page.locator('a[href*="/catalog/default/api/"]');
    await links.first().waitFor({ timeout: 60_000 });
    await assert.doesNotReject(async () => {
      for (const name of SAMPLE_APIS) {
        await page.locator(`a[href$="/catalog/default/api/${name}"]`).first().waitFor({ timeout: 30_000 });
      }
    }, 'every sample API is linked from the catalog list');
    await page.getByText('Orders API').first().waitFor();
    await page.close();
  });

  test('the orders API page shows its OpenAPI definition', { skip: skipBrowser }, async () => {
    browser ??= await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await openSignedIn(page, `${backstage.baseUrl}/catalog/default/api/orders`);
    await page.getByRole('heading', { name: 'Orders API' }).first().waitFor({ timeout: 60_000 });
    const definitionTab = page.getByRole('tab', { name: 'Definition' }).or(page.getByRole('link', { name: 'Definition', exact: true }));
    await definitionTab.first().click();
    await page.waitForURL(/\/catalog\/default\/api\/orders\/definition/);
    // Rendered by Swagger UI from the inline OpenAPI 3.1 document.
    await page.getByText('/orders/{id}/cancel').first().waitFor({ timeout: 60_000 });
    assert.ok(await page.getByText('Cancel an order that has not shipped yet').first().isVisible());
    await page.close();
  });
});

describe('dev app on PostgreSQL', { skip: postgresSkipReason() }, () => {
  let pg: LocalPostgres | undefined;
  let conn: PostgresConnection;
  let backstage: RunningBackstage | undefined;
  // Own database names per run, so a shared server (POSTGRES_*) keeps nothing of ours afterwards.
  const prefix = `bs_e2e_${randomBytes(4).toString('hex')}_`;

  before(async () => {
    const fromEnv = postgresFromEnv();
    if (fromEnv) {
      conn = fromEnv;
    } else {
      pg = await startLocalPostgres();
      conn = pg;
    }
    backstage = await startBackstage({ name: 'backend-postgres', database: { client: 'pg', connection: conn, prefix } });
  });
  after(async () => {
    await backstage?.stop();
    if (conn) await dropDatabases(conn, prefix).catch(() => undefined);
    await pg?.stop();
  });

  test('the backend boots on PostgreSQL and serves the catalog from it', async () => {
    const apis = await backstage!.waitForApis();
    assert.ok(SAMPLE_APIS.every((n) => apis.some((a) => a.metadata.name === n)));
    const dbs = (await pgQuery<{ datname: string }>(conn, 'select datname from pg_database where starts_with(datname, $1)', [prefix])).map((r) => r.datname);
    assert.ok(dbs.includes(`${prefix}catalog`), `plugin databases: ${dbs.join(', ')}`);
    const rows = await pgQuery<{ n: string }>(conn, `select count(*) as n from final_entities where entity_ref like 'api:%'`, [], `${prefix}catalog`);
    assert.ok(Number(rows[0]!.n) >= SAMPLE_APIS.length, `API rows in final_entities: ${rows[0]!.n}`);
  });

  test('the frontend is served with the PostgreSQL backend', { skip: browserSkipReason() }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await openSignedIn(page, `${backstage!.baseUrl}/catalog/default/api/payments`);
      await page.getByRole('heading', { name: 'Payments API' }).first().waitFor({ timeout: 60_000 });
    } finally {
      await browser.close();
    }
  });
});
