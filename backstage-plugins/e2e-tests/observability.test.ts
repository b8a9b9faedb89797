/**
 * End-to-end: the API observability plugins in the real dev app. The local stack (real Prometheus with
 * the pack's rules, collector, Jaeger, a Kong simulator run) feeds the real backend, whose
 * `apiObservability` config points at it; headless Chromium opens the `orders` API's Observability tab
 * and sees live numbers and a trace link whose trace id Jaeger has. Builds nothing: run `npm run build`
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
  recentRequests: Array<{ traceId: string; jaegerUrl?: string }>;
}

const GRAFANA = 'http://127.0.0.1:3000';

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
          grafanaUrl: GRAFANA,
          tempoDatasourceUid: 'tempo',
          cacheTtlSeconds: 1,
        },
      },
      // Workspace packages (telemetry contract, canary judge, dashboards) from their TypeScript sources.
      env: { NODE_OPTIONS: '--conditions=source' },
    });
    await backstage.waitForApis(['orders', 'notification-events']);
    // Until the simulated traffic has rates and exemplars (the page then shows them on first load).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const s = await backstage.getJson<SummaryLike>('/api/api-observability/entity/api/default/orders/summary?range=1h');
      if (s.state === 'ok' && (s.current.requestsPerSecond ?? 0) > 0 && s.recentRequests.some((r) => r.jaegerUrl)) break;
      if (Date.now() > deadline) throw new Error(`orders has no live summary yet: ${JSON.stringify(s).slice(0, 600)}`);
      await sleep(3_000);
    }
  });

  after(async () => {
    await browser?.close();
    await backstage?.stop();
    await stack?.stop();
  });

  test('the orders Observability tab shows live numbers and a Jaeger trace link that resolves', { skip }, async () => {
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

    const jaeger = page.getByTestId('obs-trace-jaeger').first();
    await jaeger.waitFor({ timeout: 30_000 });
    const href = (await jaeger.getAttribute('href')) ?? '';
    const id = /\/trace\/([0-9a-f]{32})$/.exec(href)?.[1];
    assert.ok(id && href.startsWith(stack!.jaeger.url), `Jaeger link ${href}`);
    const res = await fetch(`${stack!.jaeger.url}/api/traces/${id}`);
    assert.equal(res.status, 200, `Jaeger has trace ${id}`);
    const body = (await res.json()) as { data: Array<{ traceID: string }> };
    assert.equal(body.data[0]?.traceID, id);

    const grafana = (await page.getByTestId('obs-trace-grafana').first().getAttribute('href')) ?? '';
    assert.ok(grafana.startsWith(`${GRAFANA}/explore?`) && grafana.includes(id!), grafana);
    assert.ok(((await page.getByTestId('obs-dashboard-developer').getAttribute('href')) ?? '').includes('/d/apiobs-developer'));
    assert.ok(((await page.getByTestId('obs-grafana-app').getAttribute('href')) ?? '').includes('/a/api-observatory-app/'));

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
