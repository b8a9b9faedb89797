/**
 * Alerts reach the owners of the failing API: the REAL Alertmanager, loaded with the pack's generated
 * routing, delivers to the REAL Backstage backend's webhook receiver, which resolves the API's owning group
 * in the catalog and sends Backstage notifications. The owning team's member gets the notification, a
 * stranger does not; the resolution updates the same notification and clears the Observability tab's list.
 * Alerts are posted to Alertmanager's API as Prometheus posts them (timings shortened: group_wait /
 * group_interval only).
 *
 *   node --conditions=source --import tsx --test --test-concurrency=1 backstage-plugins/e2e-tests/alerts.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_OWNER_RECEIVER } from '@api-observatory/alerts';
import { freePorts, startAlertmanager, type RunningAlertmanager } from '@api-observatory/local-stack';
import type { FiringAlerts } from '@api-observatory/backstage-plugin-api-observability-common';
import { startBackstage, type RunningBackstage } from './harness';
import { ALERT_WEBHOOK as WEBHOOK, API_ALERT_TOPIC, HAVE_ALERTMANAGER, ownerRoutedConfig, startSink } from './alerts-helpers';

const SECRET = randomBytes(24).toString('hex');
const OWNER = 'emma.orders'; // orders-team, which owns api:default/orders
const STRANGER = 'farid.payments';

interface Notification { id: string; read?: string | null; payload: { title: string; description?: string; link?: string; topic?: string; scope?: string; severity?: string } }

describe('alerts reach the owning team through Alertmanager and Backstage notifications', { skip: HAVE_ALERTMANAGER ? false : 'alertmanager is not built (npm run setup)' }, () => {
  let b: RunningBackstage;
  let am: RunningAlertmanager;
  let sink: Server;
  const dir = mkdtempSync(path.join(tmpdir(), 'apiobs-alerts-'));

  before(async () => {
    const sinkStarted = await startSink();
    sink = sinkStarted.server;
    b = await startBackstage({ name: 'alerts', config: { apiObservability: { alerts: { webhookSecret: SECRET } } } });
    await b.waitForApis(['orders', 'payments']);
    const [port] = await freePorts(1);
    am = await startAlertmanager({ port: port!, dataDir: path.join(dir, 'am'), logDir: dir, config: ownerRoutedConfig(b.baseUrl, sinkStarted.url, SECRET) });
  });
  after(async () => {
    await am?.stop();
    await b?.stop();
    sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alertNotifications = async (user: string): Promise<Notification[]> => {
    const res = await b.fetchAs(user, '/api/notifications/notifications');
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { notifications: Notification[] }).notifications.filter((n) => n.payload.topic === API_ALERT_TOPIC);
  };
  async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await f();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; Alertmanager log:\n${am.process.tail(10)}\nBackstage log:\n${b.tail(20)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const postAlerts = async (alerts: unknown[]) => {
    const res = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    assert.equal(res.status, 200, await res.text());
  };

  test('the webhook refuses a missing or wrong secret and a malformed payload', async () => {
    const post = (auth: string | undefined, body: unknown) =>
      fetch(`${b.baseUrl}${WEBHOOK}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
    const ok = { version: '4', status: 'firing', receiver: 'x', alerts: [] };
    assert.equal((await post(undefined, ok)).status, 401);
    assert.equal((await post(`Bearer ${SECRET}x`, ok)).status, 401);
    // A user's token is not the shared secret either.
    assert.equal((await b.fetchAs(OWNER, WEBHOOK, { method: 'POST', json: ok })).status, 401);
    const bad = await post(`Bearer ${SECRET}`, { ...ok, version: '3' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /version must be "4"/);
    assert.equal((await post(`Bearer ${SECRET}`, ok)).status, 200);
  });

  test('a firing SLO alert notifies the owning team only, shows on the tab, and its resolution updates the same notification', async () => {
    const alert = {
      labels: { alertname: 'ApiAvailabilityFastBurn', api: 'orders', severity: 'page', persona: 'developer', slo: 'availability' },
      annotations: { summary: 'orders: availability error budget burning 14.4× too fast', description: 'test burn', runbook_url: 'https://example.invalid/runbook#apiavailabilityfastburn' },
    };
    const before = Date.now();
    await postAlerts([alert]);
    const [firing] = await until('the owner\'s notification', async () => {
      const n = await alertNotifications(OWNER);
      return n.length ? n : undefined;
    });
    process.stdout.write(`# alert posted → owner notified in ${Date.now() - before} ms\n`);
    assert.equal(firing!.payload.title, alert.annotations.summary);
    assert.equal(firing!.payload.severity, 'critical');
    assert.equal(firing!.payload.link, '/catalog/default/api/orders/observability');
    assert.match(firing!.payload.scope!, /^api-alert:[0-9a-f]+$/);
    assert.deepEqual(await alertNotifications(STRANGER), [], 'a member of another team gets nothing');
    assert.deepEqual(await alertNotifications('carla.pm'), []);

    const tab = await (await b.fetchAs(OWNER, '/api/api-observability/entity/api/default/orders/alerts')).json() as FiringAlerts;
    assert.deepEqual(tab.alerts.map((a) => [a.alertname, a.severity, a.summary]), [['ApiAvailabilityFastBurn', 'page', alert.annotations.summary]]);
    const other = await (await b.fetchAs(OWNER, '/api/api-observability/entity/api/default/payments/alerts')).json() as FiringAlerts;
    assert.deepEqual(other.alerts, [], 'another API\'s tab lists nothing');

    // Alertmanager re-sends the same state (repeat / retry): still one notification, not marked unread again.
    const mark = await b.fetchAs(OWNER, '/api/notifications/notifications/update', { method: 'POST', json: { ids: [firing!.id], read: true } });
    assert.equal(mark.status, 200, await mark.text());
    const replay = await fetch(`${b.baseUrl}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: JSON.stringify({ version: '4', status: 'firing', receiver: API_OWNER_RECEIVER, alerts: [{ status: 'firing', labels: alert.labels, annotations: alert.annotations, startsAt: tab.alerts[0]!.startsAt, endsAt: '0001-01-01T00:00:00Z', fingerprint: tab.alerts[0]!.fingerprint }] }),
    });
    assert.deepEqual(await replay.json(), { notified: 0, duplicates: 1, unrouted: 0 });
    const afterReplay = await alertNotifications(OWNER);
    assert.equal(afterReplay.length, 1);
    assert.ok(afterReplay[0]!.read, 'a repeated delivery does not mark it unread');

    await postAlerts([{ ...alert, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const resolved = await until('the resolution', async () => {
      const n = await alertNotifications(OWNER);
      return n.length === 1 && n[0]!.payload.title.startsWith('Resolved: ') ? n[0] : undefined;
    });
    assert.equal(resolved.id, firing!.id, 'the resolution updates the firing notification in place');
    assert.equal(resolved.payload.severity, 'low');
    assert.ok(!resolved.read, 'the update is unread again');
    assert.deepEqual(await alertNotifications(STRANGER), []);
    const cleared = await (await b.fetchAs(OWNER, '/api/api-observability/entity/api/default/orders/alerts')).json() as FiringAlerts;
    assert.deepEqual(cleared.alerts, [], 'the tab no longer lists it');
  });
});
