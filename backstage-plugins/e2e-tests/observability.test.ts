/**
 * End-to-end: the API observability plugins in the real dev app. The local stack (real Prometheus with
 * the pack's rules, collector, Jaeger, a Kong simulator run) feeds the real backend, whose
 * `apiObservability` config points at it as the sandbox's does: Jaeger's query API as the trace store,
 * no Jaeger UI (the local Jaeger has none) and no Grafana. Headless Chromium opens the `orders` API's
 * Observability tab, sees live numbers and no link to a UI that is not there, clicks a failed
 * request's trace and reads its spans on the Backstage trace page. Builds nothing: run `npm run build`
 * in backstage-plugins/ first (the browser test skips, saying so, when the bundle is missing).
 *
 *   node --conditions=source --import tsx --test 'backstage-plugins/e2e-tests/observability.test.ts'
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '@api-observatory/local-stack';
import { browserSkipReason, launchBrowser, openSignedIn, startBackstage, type RunningBackstage } from './harness';

interface SummaryLike {
  state: string;
  current: { requestsPerSecond: number | null };
  recentRequests: Array<{ traceId: string; reason: string; status: string }>;
}

describe('API observability in the dev app', () => {
  let stack: Stack | undefined;
  let backstage: RunningBackstage | undefined;
  let browser: Browser | undefined;
  const skip = browserSkipReason();

  before(async () => {
    if (skip) return;
    stack = await startStack({
      name: 'backstage-e2e-observability',
      scrapeInterval: '2s',
      simulator: { gateway: 'kong', rps: 40, seed: 5 },
      collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
    });
    backstage = await startBackstage({
      name: 'backend-observability',
      config: {
        apiObservability: {
          prometheusUrl: stack.prometheus.url,
          jaegerUrl: stack.jaeger.url,
          // Not configured, as in the sandbox: null masks app-config.yaml's values.
          grafanaUrl: null,
          tempoDatasourceUid: null,
          jaegerUiUrl: null,
          cacheTtlSeconds: 1,
        },
      },
      // Workspace packages (telemetry contract, canary judge, dashboards) from their TypeScript sources.
      env: { NODE_OPTIONS: '--conditions=source' },
    });
    await backstage.waitForApis(['orders', 'notification-events']);
    // Until the simulated traffic has rates and a failed request's exemplar (the page then shows them on first load).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = await backstage.getJson<SummaryLike>('/api/api-observability/entity/api/default/orders/summary?range=1h');
      if (s.state === 'ok' && (s.current.requestsPerSecond ?? 0) > 0 && s.recentRequests.some((r) => r.reason === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`orders has no live summary yet: ${JSON.stringify(s).slice(0, 600)}`);
      await sleep(3_000);
    }
  });

  after(async () => {
    await browser?.close();
    await backstage?.stop();
    await stack?.stop();
  });

  test('the orders tab shows live numbers, no link to a missing UI, and a failed request opens its spans in Backstage', { skip }, async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    page.setDefaultNavigationTimeout(90_000); // the machine may be busy
    await openSignedIn(page, `${backstage!.baseUrl}/catalog/default/api/orders/observability`);
    await page.getByText('Observability', { exact: true }).first().waitFor({ timeout: 60_000 });

    const rps = page.getByTestId('obs-rps');
    await rps.waitFor({ timeout: 60_000 });
    const rpsText = (await rps.textContent()) ?? '';
    const value = Number(/([\d.]+)\s*req\/s/.exec(rpsText)?.[1]);
    assert.ok(value > 0, `requests per second on the page: ${JSON.stringify(rpsText)}`);
    assert.match((await page.getByTestId('obs-p95').textContent()) ?? '', /\d+(\.\d+)?\s*(ms|s)$/);
    assert.match((await page.getByTestId('obs-window').first().textContent()) ?? '', /^Rates over \S+ windows: now, and every 1m over the last 1h\./);

    // Neither Grafana nor a Jaeger UI is configured: no link may point at them.
    await page.getByTestId('obs-request-row').first().waitFor({ timeout: 30_000 });
    for (const id of ['obs-trace-jaeger', 'obs-trace-grafana', 'obs-links', 'obs-grafana-app']) {
      assert.equal(await page.getByTestId(id).count(), 0, `${id} is not shown`);
    }

    // A failed request's trace opens in Backstage.
    const failed = page.locator('[data-testid="obs-request-row"]', { has: page.locator('td', { hasText: /^failed$/ }) }).first();
    await failed.waitFor({ timeout: 30_000 });
    const id = (await failed.getAttribute('data-trace-id'))!;
    const status = ((await failed.locator('td').nth(2).textContent()) ?? '').trim();
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.match(status, /^5\d\d$/);
    await failed.getByTestId('obs-trace-view').click();
    await page.waitForURL(`**/api-observability/traces/${id}`, { timeout: 30_000 });
    const view = page.getByTestId('trace-view');
    await view.waitFor({ timeout: 60_000 });
    assert.equal(await view.getAttribute('data-trace-id'), id);

    // The spans Jaeger holds for that trace, as the page lists them.
    const stored = (await (await fetch(`${stack!.jaeger.url}/api/traces/${id}`)).json()) as { data: Array<{ spans: Array<{ spanID: string; operationName: string }> }> };
    const spans = page.getByTestId('trace-span');
    assert.deepEqual(
      (await spans.evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')))).sort(),
      stored.data[0]!.spans.map((s) => s.spanID).sort(),
    );
    const root = spans.first();
    assert.equal(await root.getAttribute('data-depth'), '0');
    assert.match((await root.getByTestId('trace-span-name').textContent()) ?? '', /^kong/);
    assert.ok(((await root.getByTestId('trace-span-duration').textContent()) ?? '').match(/\d+(\.\d+)?\s*(µs|ms|s)$/));
    const apiLink = root.getByTestId('trace-span-api-link');
    assert.equal(await apiLink.textContent(), 'orders');
    assert.match((await apiLink.getAttribute('href')) ?? '', /\/catalog\/default\/api\/orders$/);
    // Its attributes, as stored: the failed status.
    await root.getByTestId('trace-span-toggle').click();
    const attrs = root.getByTestId('trace-span-attributes');
    await attrs.waitFor();
    const statusRow = attrs.locator('tr', { has: page.locator('td', { hasText: /^http\.response\.status_code$/ }) });
    assert.equal(((await statusRow.locator('td').nth(1).textContent()) ?? '').trim(), status);
    assert.equal(await page.getByTestId('trace-link-jaeger').count(), 0);
    assert.equal(await page.getByTestId('trace-link-grafana').count(), 0);
    await apiLink.click();
    await page.waitForURL('**/catalog/default/api/orders', { timeout: 30_000 });

    // Unknown and malformed ids are clear states.
    await page.goto(`${backstage!.baseUrl}/api-observability/traces/0123456789abcdef0123456789abcdef`);
    await page.getByTestId('trace-state-not-found').waitFor({ timeout: 60_000 });
    await page.goto(`${backstage!.baseUrl}/api-observability/traces/not-a-trace`);
    await page.getByTestId('trace-state-bad-id').waitFor({ timeout: 60_000 });

    // The overview card of the same API.
    await page.goto(`${backstage!.baseUrl}/catalog/default/api/orders`);
    await page.getByTestId('obs-card').waitFor({ timeout: 60_000 });
    assert.match((await page.getByTestId('obs-card').textContent()) ?? '', /req\/s/);
    await page.close();
  });

  test('an entity without the annotation shows the "no annotation" state', { skip }, async () => {
    browser ??= await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultNavigationTimeout(90_000);
    await openSignedIn(page, `${backstage!.baseUrl}/catalog/default/api/notification-events/observability`);
    await page.getByTestId('obs-state-no-annotation').waitFor({ timeout: 60_000 });
    await page.getByText('No observability annotation').first().waitFor();
    await page.close();
  });

  test('an API without traffic shows "no data yet" (inventory is served by APISIX; the run is Kong only)', { skip }, async () => {
    browser ??= await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultNavigationTimeout(90_000);
    await openSignedIn(page, `${backstage!.baseUrl}/catalog/default/api/inventory/observability`);
    await page.getByTestId('obs-state-no-data').waitFor({ timeout: 60_000 });
    await page.getByText('No data yet').first().waitFor();
    await page.close();
  });

  test('with Prometheus down the tab says "Prometheus unreachable"', { skip }, async () => {
    await stack!.prometheus.stop();
    browser ??= await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultNavigationTimeout(90_000);
    await openSignedIn(page, `${backstage!.baseUrl}/catalog/default/api/orders/observability`);
    await page.getByTestId('obs-state-prometheus-unreachable').waitFor({ timeout: 60_000 });
    await page.getByText('Prometheus unreachable').first().waitFor();
    await page.close();
  });
});
