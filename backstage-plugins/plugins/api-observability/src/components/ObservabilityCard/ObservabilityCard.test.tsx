/**
 * The entity overview card, in a Backstage test app: the current entity's last hour from the API, or
 * its no-data and error states.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ObservabilityCard } from './ObservabilityCard';
import { ObservabilityApiError } from '../../api/client';
import { fakeApi, inEntity, summary } from '../../testUtils/fixtures';

afterEach(() => cleanup());

test("the entity's last hour: requests, errors, p95 and budget left, the rate window and a running canary", async () => {
  const { api, calls } = fakeApi({
    getSummary: async (e, range) => (calls.push(`summary ${e.name} ${range}`), {
      ...summary,
      slo: [{ sli: 'availability', objective: 0.999, errorRatio: 0.0005, burnRate: 0.5, errorBudgetRemaining: 0.875, window: '1h', period: '30d', source: 'gateway' }],
      canary: { running: true, canaryVersion: 'v2.1', baselineVersion: 'v2', canaryRequestsPerSecond: 1, decision: 'promote' },
    }) as never,
  });
  await renderInTestApp(inEntity(api, <ObservabilityCard />));
  const card = await screen.findByTestId('obs-card');
  const figures = [...card.querySelectorAll('h6')].map((h) => h.textContent);
  assert.deepEqual(figures, ['12.50 req/s', '1.00%', '120 ms', '87.5%']);
  assert.match(within(card).getByTestId('obs-window').textContent ?? '', /^Rates over 5m windows: now, and every 1m over the last 1h\./);
  within(card).getByText('Canary v2.1: promote');
  assert.deepEqual(calls, ['summary orders 1h']);
});

test('no traffic: the no-data state for the last hour; a backend error: its state, no figures', async () => {
  const empty = fakeApi({ getSummary: async () => ({ ...summary, state: 'no-data' }) });
  await renderInTestApp(inEntity(empty.api, <ObservabilityCard />));
  assert.match((await screen.findByTestId('obs-state-no-data')).textContent ?? '', /API orders in the last 1h/);
  assert.equal(screen.queryByTestId('obs-card'), null);
  cleanup();

  const failing = fakeApi({ getSummary: async () => Promise.reject(new ObservabilityApiError('PROMETHEUS_UNREACHABLE', 'connect ECONNREFUSED', 503)) });
  await renderInTestApp(inEntity(failing.api, <ObservabilityCard />));
  await screen.findByTestId('obs-state-prometheus-unreachable');
  assert.equal(screen.queryByTestId('obs-card'), null);
});
