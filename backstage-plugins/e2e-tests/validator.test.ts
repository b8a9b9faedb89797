/**
 * End-to-end: the API definition validator (plugins/catalog-backend-module-api-validator) in the real
 * dev backend. The sample catalog holds one deliberately invalid API, `legacy-returns`
 * (catalog/apis/invalid-legacy-returns.yaml).
 *
 * - default config (`apiValidator.rejectInvalid: false`): the entity is ingested, its definition's
 *   errors are in its `status.items` (catalog API) and on its page in Chromium; the valid samples
 *   carry no validator errors.
 * - `rejectInvalid: true`: the entity is never ingested (no valid version exists), the valid samples
 *   are, and the catalog reports the errors as processing errors (logged by the catalog logs module).
 *
 *   node --conditions=source --import tsx --test backstage-plugins/e2e-tests/validator.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { SAMPLE_APIS, browserSkipReason, launchBrowser, openSignedIn, startBackstage, type CatalogEntity, type RunningBackstage } from './harness';

const INVALID = 'legacy-returns';
const EXPECTED_RULES = ['operation-operationId-unique', 'security-schemes-defined', 'ref-resolves', 'path-params-defined', 'structure'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StatusItem {
  type: string;
  level: string;
  message: string;
  error?: { name: string; message: string };
}
const statusItems = (e: CatalogEntity) => ((e.status as { items?: StatusItem[] } | undefined)?.items ?? []);

describe('API definition validator: invalid definitions are shown on the entity', () => {
  let backstage: RunningBackstage;
  let browser: Browser | undefined;
  const skipBrowser = browserSkipReason();

  before(async () => {
    backstage = await startBackstage({ name: 'backend-validator' });
    await backstage.waitForApis([...SAMPLE_APIS, INVALID]);
  });
  after(async () => {
    await browser?.close();
    await backstage?.stop();
  });

  test('the catalog API serves the invalid entity with its definition errors in status', async () => {
    let entity: CatalogEntity | undefined;
    const until = Date.now() + 60_000;
    // Stitching of the status can trail the first appearance of the entity by a moment.
    while (Date.now() < until) {
      entity = await backstage.getJson<CatalogEntity>(`/api/catalog/entities/by-name/api/default/${INVALID}`);
      if (statusItems(entity).some((i) => i.level === 'error')) break;
      await sleep(1_000);
    }
    const errors = statusItems(entity!).filter((i) => i.level === 'error');
    for (const e of errors) {
      assert.equal(e.type, 'backstage.io/catalog-processing');
      assert.equal(e.error?.name, 'ApiDefinitionError');
    }
    for (const rule of EXPECTED_RULES) {
      assert.ok(errors.some((e) => e.message.includes(`[${rule}]`)), `${rule} in:\n${errors.map((e) => e.message).join('\n')}`);
    }
    assert.ok(errors.some((e) => e.message.includes('operationId `listReturns` of POST /returns is already used by GET /returns')));
  });

  test('the valid sample APIs carry no validator errors', async () => {
    const apis = await backstage.getJson<CatalogEntity[]>('/api/catalog/entities?filter=kind=api');
    for (const api of apis.filter((a) => (SAMPLE_APIS as readonly string[]).includes(a.metadata.name))) {
      const errs = statusItems(api).filter((i) => i.level === 'error');
      assert.deepEqual(errs, [], `${api.metadata.name}`);
    }
  });

  test('the entity page shows the definition errors', { skip: skipBrowser }, async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await openSignedIn(page, `${backstage.baseUrl}/catalog/default/api/${INVALID}`);
    await page.getByText('Legacy Returns API (invalid sample)').first().waitFor({ timeout: 60_000 });
    await page.getByText(/\[operation-operationId-unique\] operationId `listReturns`/).first().waitFor({ timeout: 60_000 });
    const body = await page.locator('body').innerText();
    for (const rule of EXPECTED_RULES) assert.ok(body.includes(`[${rule}]`), `${rule} on the page`);
    await page.close();
  });
});

describe('API definition validator with rejectInvalid: true', () => {
  let backstage: RunningBackstage;

  before(async () => {
    backstage = await startBackstage({ name: 'backend-validator-reject', config: { apiValidator: { rejectInvalid: true } } });
    await backstage.waitForApis(SAMPLE_APIS);
  });
  after(async () => {
    await backstage?.stop();
  });

  test('the invalid entity is not ingested, its errors are reported as processing errors', async () => {
    const until = Date.now() + 90_000;
    let log = '';
    while (Date.now() < until) {
      log = readFileSync(backstage.logFile, 'utf8');
      if (log.includes('[operation-operationId-unique]')) break;
      await sleep(1_000);
    }
    const lines = log.split('\n').filter((l) => l.includes('API definition: ['));
    assert.ok(lines.length > 0, `no validator processing errors in ${backstage.logFile}`);
    assert.ok(lines.every((l) => l.includes(INVALID)), lines.join('\n'));
    for (const rule of EXPECTED_RULES) assert.ok(lines.some((l) => l.includes(`[${rule}]`)), rule);
    const res = await fetch(`${backstage.baseUrl}/api/catalog/entities/by-name/api/default/${INVALID}`, { headers: { authorization: `Bearer ${await backstage.guestToken()}` } });
    assert.equal(res.status, 404, 'the invalid entity is not served');
    const apis = await backstage.getJson<CatalogEntity[]>('/api/catalog/entities?filter=kind=api');
    for (const name of SAMPLE_APIS) assert.ok(apis.some((a) => a.metadata.name === name), `${name} is served`);
  });
});
