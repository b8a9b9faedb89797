/**
 * End-to-end: the pack's Backstage pages fit a 1280×800 window. Headless Chromium opens each page of the
 * real dev app (the real backend serving the built frontend) as the product manager carla.pm and checks
 * that nothing runs past the right edge: the page does not scroll sideways and no element (a table
 * column, a button) ends outside the window or is cut off inside a box that hides or scrolls its
 * overflow. Code blocks, text fields and tab bars may scroll their own content.
 *
 * Pages: the orders API's overview (governance card, observability card), its Governance tab, its
 * Observability tab (live numbers from the local stack: simulator → collector → Prometheus), the approvals
 * inbox (awaiting decision, all open, and the decision dialog) and the AsyncAPI definition page of
 * notification-events. The inbox holds a request with a long comment (a long URL) and an approved one.
 * A screenshot of every page goes to .run/backstage-e2e/layout-<page>.png. With the stack, the orders
 * request's SLO gate reads its Prometheus, and the card's SLO summary must list each SLI's burn-rate windows
 * shortest first. Without the Go-built components the Observability tab is skipped, saying why.
 *
 * Builds nothing: run `npm run build` in backstage-plugins/ first (the test skips when the bundle is missing).
 *
 *   node --conditions=source --import tsx --test --test-concurrency=1 backstage-plugins/e2e-tests/layout.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { SANDBOX_SERVER_ERRORS, startStack, toolPath, type Stack } from '@api-observatory/local-stack';
import { LABELS, PrometheusClient, SLO_LABEL, SLO_WINDOWS, eq, sloBurnRate } from '@api-observatory/telemetry-contract';
import { LOG_DIR, browserSkipReason, launchBrowser, openSignedInAs, startBackstage, type RunningBackstage } from './harness';

const VIEWPORT = { width: 1280, height: 800 };
const UI_TIMEOUT = 60_000; // the machine may be busy
const LONG_COMMENT =
  'Adds partial refunds and the refund reason codes support asked for; changelog and rollout plan: ' +
  'https://wiki.example.invalid/engineering/commerce/orders-api/releases/v2.4/partial-refunds-and-refund-reason-codes-rollout-plan';

/** Why the stack (Prometheus, collector, Jaeger) cannot run here, if it cannot. */
function stackSkipReason(): string | undefined {
  try {
    for (const tool of ['prometheus', 'otelcol', 'jaeger'] as const) toolPath(tool);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * What runs past the right edge of the window (empty when the page fits). Page-side code as a string: the
 * test runner's TypeScript transform would add helper calls to a function's source that the page lacks.
 */
const HORIZONTAL_OVERFLOW = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const scroller = document.scrollingElement || document.documentElement;
  if (scroller.scrollWidth > width + 1) out.push('the page scrolls sideways: ' + scroller.scrollWidth + 'px wide in a ' + width + 'px window');
  // Boxes that may scroll their own content sideways (source code, inputs, tab bars) and progress bars,
  // whose moving bars are clipped on purpose.
  const mayScroll = 'pre, code, textarea, input, .MuiTabs-scroller, [role="progressbar"]';
  const describe = (el) => {
    const id = el.getAttribute('data-testid');
    const cls = [...el.classList].filter((c) => !c.startsWith('jss')).slice(0, 2).join('.');
    const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
    return '<' + el.tagName.toLowerCase() + (id ? ' data-testid=' + id : '') + (cls ? ' .' + cls : '') + '> "' + text + '"';
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(mayScroll)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // Text for screen readers only: a 1px box that clips its content on purpose.
    if (r.width <= 1 && r.height <= 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (r.right > width + 1) out.push(describe(el) + ' ends at ' + Math.round(r.right) + 'px');
    // Cut off inside a box that hides or scrolls its overflow (text truncated with an ellipsis is meant to be).
    const clipsX = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    const truncated = style.textOverflow === 'ellipsis' || style.getPropertyValue('-webkit-line-clamp') !== 'none';
    if (clipsX && !truncated && el.scrollWidth > el.clientWidth + 1) out.push(describe(el) + ' is cut off: ' + el.scrollWidth + 'px of content in ' + el.clientWidth + 'px');
  }
  return out.slice(0, 15);
})()`;

async function horizontalOverflow(page: Page): Promise<string[]> {
  return (await page.evaluate(HORIZONTAL_OVERFLOW)) as string[];
}

/** The page fits the window; a screenshot is taken either way. */
async function assertFits(page: Page, name: string): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  const file = path.join(LOG_DIR, `layout-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const overflow = await horizontalOverflow(page);
  assert.deepEqual(overflow, [], `${name} at ${VIEWPORT.width}×${VIEWPORT.height} (screenshot ${file}):\n${overflow.join('\n')}`);
}

describe(`the pack's Backstage pages fit a ${VIEWPORT.width}×${VIEWPORT.height} window`, () => {
  const skip = browserSkipReason();
  const noStack = stackSkipReason();
  let stack: Stack | undefined;
  let backstage: RunningBackstage | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;

  before(async () => {
    if (skip) return;
    if (!noStack) {
      // The sandbox's healthy error rates: the SLO gate passes, and its passed summary (every window) is laid out.
      stack = await startStack({ name: 'backstage-e2e-layout', scrapeInterval: '2s', simulator: { gateway: 'kong', rps: 40, seed: 7, serverErrorRange: SANDBOX_SERVER_ERRORS }, collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } } });
    }
    backstage = await startBackstage({
      name: 'backend-layout',
      config: stack
        ? {
            apiObservability: { prometheusUrl: stack.prometheus.url, jaegerUrl: stack.jaeger.url, cacheTtlSeconds: 1 },
            apiGovernance: { gates: { slo: { prometheusUrl: stack.prometheus.url } } },
          }
        : undefined,
      env: { NODE_OPTIONS: '--conditions=source' },
    });
    await backstage.waitForApis(['orders', 'payments', 'notification-events']);
    // Live traffic first: the orders request's SLO gate then reads burn rates of every window.
    if (stack) {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const s = await backstage.getJson<{ state: string; current: { requestsPerSecond: number | null } }>('/api/api-observability/entity/api/default/orders/summary?range=1h');
        if (s.state === 'ok' && (s.current.requestsPerSecond ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error(`orders has no live summary yet: ${JSON.stringify(s).slice(0, 400)}`);
        await sleep(3_000);
      }
      // And the recording rules have written orders' burn rates for every window and both SLIs: the gate
      // reads them when the request is created.
      const prom = new PrometheusClient(stack.prometheus.url);
      const filter = { [LABELS.api.label]: eq('orders') };
      const sloDeadline = Date.now() + 120_000;
      for (;;) {
        const slis = await Promise.all(SLO_WINDOWS.map(async (w) => new Set((await prom.query(sloBurnRate(w, filter))).map((x) => x.metric[SLO_LABEL]))));
        if (slis.every((set) => set.has('availability') && set.has('latency'))) break;
        if (Date.now() > sloDeadline) throw new Error(`orders has no SLO burn rates for every window yet: ${slis.map((x) => [...x].join('+')).join(', ')}`);
        await sleep(2_000);
      }
    }
    // The inbox: orders awaits a decision (long comment), payments is approved and awaits its promotion.
    const create = async (user: string, entityRef: string, comment: string) => {
      for (let attempt = 0; ; attempt++) {
        const res = await backstage!.fetchAs(user, '/api/api-governance/requests', { method: 'POST', json: { entityRef, toEnvironment: 'production', comment } });
        const text = await res.text();
        if (res.status === 201) return JSON.parse(text) as PromotionRequest;
        // The sample users reach the catalog a little after the APIs.
        if (attempt > 60) throw new Error(`${user} could not request ${entityRef}: ${res.status} ${text}`);
        await sleep(1_000);
      }
    };
    await create('emma.orders', 'api:default/orders', LONG_COMMENT);
    const payments = await create('farid.payments', 'api:default/payments', 'PSD2 strong customer authentication for refunds');
    const approved = await backstage.fetchAs('carla.pm', `/api/api-governance/requests/${payments.id}/approve`, { method: 'POST', json: { version: payments.version, reason: 'reviewed with compliance' } });
    assert.equal(approved.status, 200, await approved.text());
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: VIEWPORT });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.setDefaultNavigationTimeout(90_000);
    await openSignedInAs(page, `${backstage.baseUrl}/catalog/default/api/orders`, 'carla.pm');
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await backstage?.stop();
    await stack?.stop();
  });

  test('orders: overview with the governance card', { skip }, async () => {
    const p = page!;
    await p.goto(`${backstage!.baseUrl}/catalog/default/api/orders`);
    await p.getByTestId('governance-card').getByTestId('governance-open-request').waitFor();
    await p.getByTestId('governance-card').locator('[data-testid="gates"] [data-gate="slo"]').waitFor();
    await assertFits(p, 'orders-overview');
  });

  test('orders: Governance tab (card and history)', { skip }, async () => {
    const p = page!;
    await p.goto(`${backstage!.baseUrl}/catalog/default/api/orders/governance`);
    await p.getByTestId('timeline-entry').first().waitFor();
    await p.getByTestId('event').first().waitFor();
    // The raw evidence, opened.
    await p.getByTestId('timeline-entry').first().locator('details summary').first().click();
    await assertFits(p, 'orders-governance');
    if (stack) {
      // The SLO gate read the stack's Prometheus: its summary lists each SLI's windows shortest first.
      const summary = (await p.getByTestId('governance-card').locator('[data-gate="slo"]').textContent()) ?? '';
      const perSli = [...summary.matchAll(/(availability|latency)((?: \d+[mhd] [\d.e+-]+×,?)+)/g)].map((m) => [m[1], [...m[2]!.matchAll(/(\d+[mhd]) /g)].map((w) => w[1])]);
      assert.deepEqual(perSli, [['availability', ['5m', '30m', '1h', '6h', '3d']], ['latency', ['5m', '30m', '1h', '6h', '3d']]], summary);
    }
  });

  test('orders: Observability tab with live numbers', { skip: skip ?? noStack }, async () => {
    const p = page!;
    await p.goto(`${backstage!.baseUrl}/catalog/default/api/orders/observability`);
    await p.getByTestId('obs-rps').waitFor();
    await assertFits(p, 'orders-observability');
  });

  test('approvals inbox: awaiting decision, all open, and the decision dialog', { skip }, async () => {
    const p = page!;
    await p.goto(`${backstage!.baseUrl}/api-governance`);
    const row = p.getByTestId('inbox-row').filter({ hasText: 'Orders API' });
    await row.getByText(LONG_COMMENT).waitFor();
    await p.locator('[data-testid="inbox-review"][data-permission="allowed"]').waitFor();
    await assertFits(p, 'inbox');
    // Every row's action is inside the window.
    for (const b of await p.getByTestId('inbox-row').getByRole('button').all()) {
      const box = await b.boundingBox();
      assert.ok(box && box.x + box.width <= VIEWPORT.width, `a row button ends at ${box && box.x + box.width}px`);
    }

    await p.getByTestId('filter-state').locator('xpath=..').getByRole('button').click();
    await p.getByRole('option', { name: 'All open' }).click();
    await p.getByRole('listbox').waitFor({ state: 'detached' });
    await p.getByTestId('inbox-row').filter({ hasText: 'Payments API' }).getByTestId('inbox-promote').waitFor();
    await assertFits(p, 'inbox-all-open');

    await row.getByRole('button', { name: 'Review' }).click();
    const dialog = p.getByRole('dialog', { name: 'Decide on the promotion request' });
    await dialog.getByTestId('decision-approve').waitFor();
    // Opened, not fading in (the fade runs on the dialog's container).
    await p.waitForFunction(`getComputedStyle(document.querySelector('[role="dialog"]').parentElement).opacity === '1'`);
    await assertFits(p, 'inbox-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('AsyncAPI definition page (notification-events)', { skip }, async () => {
    const p = page!;
    await p.goto(`${backstage!.baseUrl}/catalog/default/api/notification-events/definition`);
    await p.locator('[data-testid="asyncapi-viewer"]').first().waitFor();
    await p.getByText('notifications.delivery.v1').first().waitFor();
    await assertFits(p, 'asyncapi-definition');
  });
});
