/**
 * End-to-end: the dev app's api-docs Definition tab renders AsyncAPI entities with our widget
 * (@api-observatory/backstage-plugin-asyncapi-viewer), and an XSS payload in a description executes nothing.
 * Builds nothing: run `npm run build --prefix backstage-plugins` first (browser tests skip otherwise).
 *
 *   node --conditions=source --import tsx --test backstage-plugins/e2e-tests/asyncapi.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { BACKSTAGE_ROOT, LOG_DIR, SAMPLE_APIS, browserSkipReason, launchBrowser, openSignedIn, startBackstage, type RunningBackstage } from './harness';

const XSS_PAYLOADS = [
  '<script>window.__xss = (window.__xss || 0) + 1; alert("script")</script>',
  '<img src=x onerror="window.__xss = 1; alert(\'img\')">',
  '[click me](javascript:window.__xss=1;alert("link"))',
  '<a href="javascript:alert(\'a\')">anchor</a>',
  '<svg onload="alert(\'svg\')"><script>alert("svg-script")</script></svg>',
  '<iframe src="javascript:alert(\'iframe\')"></iframe>',
  '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
  '<details open ontoggle="alert(\'details\')">x</details>',
  '<math><mtext><table><mglyph><style><img src=x onerror="alert(\'mxss\')">',
  '<div onmouseover="alert(\'hover\')" style="position:fixed;inset:0">hover</div>',
  '<form action="javascript:alert(1)"><input type=submit autofocus onfocus="alert(\'focus\')"></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
];
const XSS = XSS_PAYLOADS.join('\n\n');

function devCatalogLocations(): unknown[] {
  const config = parse(readFileSync(path.join(BACKSTAGE_ROOT, 'app-config.yaml'), 'utf8')) as { catalog?: { locations?: unknown[] } };
  return config.catalog?.locations ?? [];
}

function xssDefinition(): string {
  return stringify({
    asyncapi: '3.0.0',
    info: { title: 'Hostile Events', version: '1.0.0', description: `Safe **bold** text.\n\n${XSS}` },
    channels: {
      hostile: {
        address: 'hostile.v1',
        description: XSS,
        messages: {
          evil: {
            name: 'EvilMessage',
            description: XSS,
            payload: { type: 'object', properties: { field: { type: 'string', description: XSS } } },
          },
        },
      },
    },
    operations: { sendHostile: { action: 'send', channel: { $ref: '#/channels/hostile' }, description: XSS } },
  });
}

describe('AsyncAPI definition widget in the dev app', () => {
  let backstage: RunningBackstage;
  let browser: Browser | undefined;
  const skipBrowser = browserSkipReason();
  const catalogFile = path.join(LOG_DIR, `asyncapi-xss-${process.pid}.yaml`);

  before(async () => {
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(
      catalogFile,
      stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'API',
        metadata: { name: 'hostile-events', title: 'Hostile Events', description: 'XSS payloads in an AsyncAPI definition (e2e only).' },
        spec: { type: 'asyncapi', lifecycle: 'experimental', owner: 'api-platform-team', definition: xssDefinition() },
      }),
    );
    backstage = await startBackstage({
      name: 'backend-asyncapi',
      config: {
        catalog: {
          // config arrays replace each other: the dev config's locations plus one with the hostile API
          locations: [...devCatalogLocations(), { type: 'file', target: catalogFile }],
        },
      },
    });
    await backstage.waitForApis([...SAMPLE_APIS, 'hostile-events']);
    if (!skipBrowser) browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await backstage?.stop();
    rmSync(catalogFile, { force: true });
  });

  async function definitionPage(name: string): Promise<Page> {
    const page = await browser!.newPage();
    await openSignedIn(page, `${backstage.baseUrl}/catalog/default/api/${name}/definition`);
    await page.locator('[data-testid="asyncapi-viewer"]').first().waitFor({ timeout: 60_000 });
    return page;
  }

  test('notification-events (AsyncAPI 3.0): channels, operations, messages, payload and Kafka bindings', { skip: skipBrowser }, async () => {
    const page = await definitionPage('notification-events');
    const viewer = page.locator('[data-testid="asyncapi-viewer"]');
    await viewer.getByText('AsyncAPI 3.0.0').waitFor();
    assert.equal(await page.locator('.aui-root').count(), 0, 'the @asyncapi/react-component widget is replaced');
    const channel = viewer.locator('[data-channel="notificationDelivery"]');
    await channel.getByText('notifications.delivery.v1').waitFor();
    await channel.locator('button').first().click();
    await channel.getByText('publishDelivery').waitFor();
    await channel.getByText('consumeDelivery').waitFor();
    await channel.locator('[data-binding="kafka"]').first().waitFor();
    const message = channel.locator('[data-message="NotificationFailed"]');
    await message.locator('button').first().click();
    await message.getByText('reason', { exact: true }).waitFor();
    await message.getByText('notificationId', { exact: true }).waitFor();
    assert.ok(await message.getByText('Notification failed').first().isVisible());
    await page.close();
  });

  test('governance-events (AsyncAPI 3.0, the governance plugin\'s own events): every topic, allOf payloads', { skip: skipBrowser }, async () => {
    const page = await definitionPage('governance-events');
    const viewer = page.locator('[data-testid="asyncapi-viewer"]');
    await viewer.getByText('API Governance Events').first().waitFor();
    for (const address of ['api-governance.promotion.requested', 'api-governance.promotion.approved', 'api-governance.promotion.promoted', 'api-governance.promotion.rolled_back', 'api.deprecated']) {
      await viewer.getByText(address, { exact: true }).first().waitFor();
    }
    const channel = viewer.locator('[data-channel="promotionApproved"]');
    await channel.locator('button').first().click();
    await channel.getByText('publishPromotionApproved').waitFor();
    const message = channel.locator('[data-message="PromotionApproved"]');
    await message.locator('button').first().click();
    // Fields of the shared PromotionEvent schema, reached through allOf and a $ref.
    await message.getByText('overridden', { exact: true }).first().waitFor();
    await message.getByText('entityRef', { exact: true }).first().waitFor();
    await page.close();
  });

  test('inventory-events (AsyncAPI 2.6): publish/subscribe as send/receive', { skip: skipBrowser }, async () => {
    const page = await definitionPage('inventory-events');
    const channel = page.locator('[data-channel="inventory.stock-changed.v1"]');
    await channel.locator('button').first().click();
    await channel.getByText('onStockChanged').waitFor();
    await channel.getByText('(subscribe)').waitFor();
    await page.close();
  });

  test('XSS payloads in descriptions execute nothing', { skip: skipBrowser }, async () => {
    const page = await browser!.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const popups: string[] = [];
    page.on('popup', (p) => popups.push(p.url()));
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI} sample=${e.sample} at ${e.sourceFile}:${e.lineNumber} target=${(e.target as Element | null)?.outerHTML?.slice(0, 120)}`));
    });
    await openSignedIn(page, `${backstage.baseUrl}/catalog/default/api/hostile-events/definition`);
    const viewer = page.locator('[data-testid="asyncapi-viewer"]');
    await viewer.waitFor({ timeout: 60_000 });
    await viewer.getByText('bold', { exact: true }).first().waitFor();
    const channel = viewer.locator('[data-channel="hostile"]');
    await channel.locator('button').first().click();
    const message = channel.locator('[data-message="EvilMessage"]');
    await message.locator('button').first().click();
    await message.getByText('field', { exact: true }).waitFor();
    // interact with what a payload could hook: hover, click every link / text the descriptions produced
    for (const el of await viewer.locator('.aav-md a, .aav-md img, .aav-md p').all()) {
      await el.hover({ timeout: 2_000 }).catch(() => undefined);
      await el.click({ timeout: 2_000, modifiers: ['Alt'] }).catch(() => undefined);
    }
    await page.waitForTimeout(1_000);
    const report = await page.evaluate(() => {
      const root = document.querySelector('[data-testid="asyncapi-viewer"]')!;
      const bad: string[] = [];
      for (const el of root.querySelectorAll('.aav-md, .aav-md *')) {
        const tag = el.tagName.toLowerCase();
        if (['script', 'iframe', 'svg', 'math', 'object', 'embed', 'form', 'input', 'meta', 'style', 'details'].includes(tag)) bad.push(`<${tag}>`);
        for (const a of el.getAttributeNames()) {
          if (/^on/i.test(a) || a === 'style' || a === 'srcdoc' || a === 'action') bad.push(`${tag}[${a}]`);
          if ((a === 'href' || a === 'src') && /^\s*(javascript|vbscript|data:text)/i.test(el.getAttribute(a) ?? '')) bad.push(`${tag}[${a}=${el.getAttribute(a)}]`);
        }
      }
      const w = window as unknown as { __xss?: unknown; __violations: string[] };
      return { bad, xss: w.__xss, violations: w.__violations, mdBlocks: root.querySelectorAll('.aav-md').length, title: document.title, url: location.href };
    });
    assert.ok(report.mdBlocks >= 5, `descriptions rendered (${report.mdBlocks})`);
    assert.deepEqual(report.bad, [], 'no dangerous element or attribute in the rendered descriptions');
    assert.equal(report.xss, undefined, 'no payload ran (window.__xss unset)');
    assert.deepEqual(dialogs, [], 'no dialog opened');
    assert.deepEqual(popups, [], 'no popup opened');
    assert.deepEqual(report.violations, [], 'nothing even tried to run (no CSP violation)');
    assert.match(report.url, /\/catalog\/default\/api\/hostile-events\/definition/, 'no navigation');
    await page.close();
  });
});
