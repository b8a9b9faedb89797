/**
 * plugin-e2e specs for the Docker stack (Grafana 12.4 with the built plugin, Prometheus, Loki, Tempo):
 * `npm run e2e -w grafana-plugins/api-observatory-app` with GRAFANA_URL pointing at it. They cannot run
 * on machines without Grafana; they are type-checked with the plugin (`npm run typecheck`).
 */
import { PAGES } from '../../grafana-plugins/api-observatory-app/src/constants';
import { pagePanels } from '../../grafana-plugins/api-observatory-app/src/panels';
import { test, expect } from './fixtures';

test.describe('API Observatory pages', () => {
  for (const id of Object.values(PAGES)) {
    test(`${id} renders its panels`, async ({ gotoPage, page }) => {
      await gotoPage(`/${id}`);
      for (const spec of pagePanels()[id].slice(0, 3)) await expect(page.getByText(spec.title, { exact: true }).first()).toBeVisible();
    });
  }

  test('deep links set the URL-synced variables', async ({ gotoPage, page }) => {
    await gotoPage(`/${PAGES.developer}?var-api=orders&from=now-1h&to=now`);
    await expect(page).toHaveURL(/var-api=orders/);
    await expect(page.getByRole('link', { name: /API in Backstage/ })).toBeVisible();
  });

  test('the canary page shows the judge verdict', async ({ gotoPage, page }) => {
    await gotoPage(`/${PAGES.canary}?var-api=orders`);
    await expect(page.getByTestId('canary-decision').or(page.getByText(/No canary traffic/))).toBeVisible({ timeout: 30_000 });
  });
});

test.describe('configuration page', () => {
  test('rejects an invalid inline gate config, naming the field', async ({ appConfigPage, page }) => {
    await page.getByRole('radio', { name: 'Inline YAML / JSON' }).check({ force: true });
    await page.getByTestId('data-testid ac-gate-config').fill('metrics:\n  - name: error_ratio\n    direction: upward\n');
    await expect(page.getByText(/metrics\[0\]\.direction/)).toBeVisible();
    await expect(page.getByTestId('data-testid ac-submit')).toBeDisabled();
    expect(appConfigPage).toBeTruthy();
  });

  test('saves the settings through the plugin settings API', async ({ appConfigPage, page }) => {
    await page.getByTestId('data-testid ac-backstage-url').fill('http://localhost:7007');
    const saved = appConfigPage.waitForSettingsResponse();
    await page.getByTestId('data-testid ac-submit').click();
    await expect(saved).toBeOK();
  });
});
