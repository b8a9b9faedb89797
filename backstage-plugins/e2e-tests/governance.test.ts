/**
 * End-to-end: API governance in the real dev app, with real identities (the dev-only devUsers provider),
 * the dev backend's governance permission policy and a real database (SQLite in memory, then PostgreSQL).
 * Headless Chromium drives the user-visible steps through the UI.
 *
 * The main flow runs with the SHIPPED dev-app config (app-config.yaml, no overlay), on both databases:
 *
 * 1. emma.orders (orders-team, owner of the orders API) opens the API's page, requests promotion to
 *    production from the governance card (comment with a hostile string) and sees the open request and its
 *    gates: definition passed; canary unknown, not required (the sandbox runs no canary-gate server:
 *    `source: none`); slo unknown, not required (no Prometheus). She is offered no Approve; her own
 *    token's approve is refused 403 SELF_APPROVAL.
 * 2. carla.pm (product manager) opens the approvals inbox, reviews the request: every required gate passed,
 *    so the dialog offers a plain Approve (no override notice, no reason required); she approves with a
 *    (hostile) comment.
 * 3. carla marks it promoted on the Governance tab; the card shows production as current, the history shows
 *    requested → approved → promoted and the three recorded events; emma's page shows production too;
 *    GET /events lists the events in order with stable ids (PostgreSQL: the rows are checked in the database).
 * 4. The hostile strings are rendered as text everywhere (no <img> created, window.__xss never set).
 *
 * The override rules run once (SQLite) with the canary gate required, as a deployment configures it (a
 * canary-gate server as source, `required: true`): carla's plain approve is 422 GATES_NOT_PASSED, her
 * dialog offers no override (Approve disabled: the permission framework denies it) and her override is
 * refused 403 FORBIDDEN (override belongs to product-leads), alice.platform (api-platform-team)
 * may neither approve nor override (403 FORBIDDEN), and nothing is recorded. Then deepak.pm, in
 * product-managers (approve) AND product-leads (override, `apiGovernance.policy.overrideGroups`), approves
 * with override through the decision dialog with a (hostile) reason: the request is approved with the
 * override flag, the card and the history show "gate override" with the reason as text, and the
 * `api-governance.promotion.approved` event carries `overridden: true`. The first test pins the shipped
 * policy facts down (who approves, who overrides, who holds both).
 *
 * Builds nothing: run `npm run build` in backstage-plugins/ first (the browser tests skip when the bundle
 * is missing).
 *
 *   node --conditions=source --import tsx --test --test-concurrency=1 backstage-plugins/e2e-tests/governance.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { ConfigReader } from '@backstage/config';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { PromotionRequest, RecordedEvent } from '@api-observatory/backstage-plugin-api-governance-common';
import { decideGovernancePermission, readGovernanceConfig } from '@api-observatory/backstage-plugin-api-governance-backend';
import {
  BACKSTAGE_ROOT,
  LOG_DIR,
  browserSkipReason,
  clickForJson,
  dropDatabases,
  launchBrowser,
  openSignedInAs,
  pgQuery,
  postgresFromEnv,
  postgresSkipReason,
  startBackstage,
  startLocalPostgres,
  type LocalPostgres,
  type PostgresConnection,
  type RunningBackstage,
  type StartBackstageOptions,
} from './harness';

const ENTITY_REF = 'api:default/orders';
const ENTITY_PAGE = '/catalog/default/api/orders';
const HOSTILE = '<img src=x onerror=window.__xss=1>';
const REQUEST_COMMENT = `v2.4 adds partial refunds ${HOSTILE}`;
const APPROVE_COMMENT = `changelog reviewed with support ${HOSTILE}`;
const OVERRIDE_REASON = `canary has no data; SLO checked by hand ${HOSTILE}`;
/** How the backend records an override's reason (decisionReason, audit and event `reason`). */
const OVERRIDE_DECISION = `override: ${OVERRIDE_REASON}`;
const TOPICS = ['api-governance.promotion.requested', 'api-governance.promotion.approved', 'api-governance.promotion.promoted'];
const SHIPPED_GATES = { definition: 'passed', canary: 'unknown', slo: 'unknown' };
const UI_TIMEOUT = 60_000; // the machine may be busy

/** The override scenario's overlay: the canary gate required, as in a deployment with a canary-gate server. */
const CANARY_REQUIRED_CONFIG = { apiGovernance: { gates: { canary: { required: true } } } };

type ErrorBody = { error: { code: string; message: string; details?: { gates?: { passed: boolean; gates: Array<{ gate: string; status: string; required: boolean }> } } } };

const SAMPLE_MEMBERS: Record<string, string[]> = {
  'emma.orders': ['group:default/orders-team'],
  'farid.payments': ['group:default/payments-team'],
  'carla.pm': ['group:default/product-managers'],
  'deepak.pm': ['group:default/product-managers', 'group:default/product-leads'],
  'alice.platform': ['group:default/api-platform-team'],
};

/** The sample org's groups of a user (catalog/org.yaml, User spec.memberOf), as the devUsers tokens carry them. */
function sampleMemberships(): Record<string, string[]> {
  const docs = readFileSync(path.join(BACKSTAGE_ROOT, 'catalog', 'org.yaml'), 'utf8')
    .split(/^---$/m)
    .map((d) => parseYaml(d) as { kind?: string; metadata?: { name: string }; spec?: { memberOf?: string[] } } | null);
  return Object.fromEntries(
    docs.filter((d) => d?.kind === 'User').map((d) => [d!.metadata!.name, (d!.spec?.memberOf ?? []).map((g) => `group:default/${g}`)]),
  );
}

test('the shipped dev-app config: canary and slo gates not required; product managers approve, product leads (also product managers) override', () => {
  const shipped = readGovernanceConfig(new ConfigReader(parseYaml(readFileSync(path.join(BACKSTAGE_ROOT, 'app-config.yaml'), 'utf8')) as Record<string, never>));
  const { definition, canary, slo } = shipped.gates;
  assert.deepEqual(
    { definition: definition.required, canary: [canary.source, canary.required], slo: slo.required },
    { definition: true, canary: ['none', false], slo: false },
    'the sandbox has no canary verdict source; its gate is shown but not required (the main flow relies on this)',
  );
  const decide = (perm: string, user: string) =>
    decideGovernancePermission(`api-governance.promotion.${perm}`, { userEntityRef: `user:default/${user}`, ownershipEntityRefs: [`user:default/${user}`, ...SAMPLE_MEMBERS[user]!] }, shipped.policy)?.result;
  // The memberships used here are the sample org's (a change to catalog/org.yaml must show up here).
  const org = sampleMemberships();
  for (const [user, groups] of Object.entries(SAMPLE_MEMBERS)) assert.deepEqual(org[user], groups, `${user}'s spec.memberOf in catalog/org.yaml`);
  assert.deepEqual(shipped.policy.overrideGroups, ['group:default/product-leads']);
  const table = Object.fromEntries(Object.keys(SAMPLE_MEMBERS).map((u) => [u, ['approve', 'promote', 'override'].map((p) => decide(p, u))]));
  assert.deepEqual(table, {
    'emma.orders': ['DENY', 'DENY', 'DENY'],
    'farid.payments': ['DENY', 'DENY', 'DENY'],
    'carla.pm': ['ALLOW', 'ALLOW', 'DENY'],
    'deepak.pm': ['ALLOW', 'ALLOW', 'ALLOW'],
    'alice.platform': ['DENY', 'DENY', 'DENY'],
  });
  // Approving over a required gate that has not passed (the override scenario below) needs approve AND
  // override: every override group member must be able to approve, or the override is unreachable.
  const both = Object.keys(SAMPLE_MEMBERS).filter((u) => decide('approve', u) !== 'DENY' && decide('override', u) === 'ALLOW');
  assert.deepEqual(both, ['deepak.pm'], 'with the shipped policy exactly the product lead may approve over a required gate that has not passed');
  const overridersWhoCannotApprove = Object.keys(SAMPLE_MEMBERS).filter((u) => decide('override', u) === 'ALLOW' && decide('approve', u) === 'DENY');
  assert.deepEqual(overridersWhoCannotApprove, [], 'an override permission without approve is useless');
});

/** Browser pages (one context per user) that record every <img> ever attached; screenshots on failure. */
function pageSet(browser: Browser) {
  const pages = new Map<string, Page>();
  const contexts: BrowserContext[] = [];
  return {
    async open(user: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1500, height: 1100 } });
      // Records every <img> ever attached to the page (not only those present when we look).
      await context.addInitScript(() => {
        const w = window as unknown as { __imgSrcs: string[] };
        w.__imgSrcs = [];
        new MutationObserver((records) => {
          for (const r of records) {
            r.addedNodes.forEach((n) => {
              if (!(n instanceof Element)) return;
              const imgs = n.tagName === 'IMG' ? [n] : [...n.querySelectorAll('img')];
              imgs.forEach((i) => w.__imgSrcs.push(i.getAttribute('src') ?? ''));
            });
          }
        }).observe(document, { childList: true, subtree: true });
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT);
      page.setDefaultNavigationTimeout(90_000);
      pages.set(user, page);
      return page;
    },
    /** Screenshots of every page under LOG_DIR; the files written. */
    async screenshots(label: string): Promise<string[]> {
      mkdirSync(LOG_DIR, { recursive: true });
      const shots: string[] = [];
      for (const [user, page] of pages) {
        const file = path.join(LOG_DIR, `governance-${label}-${user}.png`);
        if (await page.screenshot({ path: file, fullPage: true }).then(() => true, () => false)) shots.push(file);
      }
      return shots;
    },
    async close(): Promise<void> {
      for (const c of contexts) await c.close().catch(() => undefined);
    },
  };
}

/**
 * Runs `steps` with a page set; a failure is rethrown with the step it happened in, the screenshots and the
 * backend log's tail.
 */
async function scenario<T>(label: string, backstage: RunningBackstage, browser: Browser, steps: (pages: ReturnType<typeof pageSet>, at: (step: string) => void) => Promise<T>): Promise<T> {
  const pages = pageSet(browser);
  let step = 'start';
  try {
    return await steps(pages, (s) => {
      step = s;
    });
  } catch (err) {
    const shots = await pages.screenshots(label);
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `[${label}] step "${step}": ${e.message}\nscreenshots: ${shots.join(', ') || 'none'}\nbackend log (${backstage.logFile}) tail, access log left out:\n${backendTail(backstage)}`;
    throw e;
  } finally {
    await pages.close();
  }
}

/** A governance API call with a user's token (the browser session's own, or one from the harness). */
async function governanceApi(backstage: RunningBackstage, token: string, method: string, p: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${backstage.baseUrl}/api/api-governance${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** The backend's gate registry (`GET /gates`) by gate name: the titles and descriptions the UI shows. */
async function gateRegistry(backstage: RunningBackstage, token: string): Promise<Record<string, { title: string; description: string }>> {
  const res = await governanceApi(backstage, token, 'GET', '/gates');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { gates } = res.body as { gates: Array<{ name: string; title: string; description: string }> };
  for (const g of gates) assert.notEqual(g.title, g.name, `gate ${g.name}: a title of its own, so the page shows the registry's words`);
  return Object.fromEntries(gates.map((g) => [g.name, g]));
}

/** A gate line as the UI writes it: "<title>: <status>", then " (not required)" for a gate that does not block. */
function gateLine(title: string, status: string, required: boolean): RegExp {
  const literal = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${literal}: ${status}${required ? '' : ' \\(not required\\)'}`);
}

/** A refused call: its status and error code. */
function assertRefused(res: { status: number; body: unknown }, status: number, code: string): ErrorBody['error'] {
  assert.equal(res.status, status, JSON.stringify(res.body));
  const error = (res.body as ErrorBody).error;
  assert.equal(error.code, code, JSON.stringify(res.body));
  return error;
}

/** An approver (carla.pm by default) opens the approvals inbox and the decision dialog of the orders API's request. */
async function reviews(backstage: RunningBackstage, page: Page, user = 'carla.pm'): Promise<{ token: string; row: Locator; dialog: Locator }> {
  const session = await openSignedInAs(page, `${backstage.baseUrl}/api-governance`, user);
  const row = page.getByTestId('inbox-row').filter({ hasText: 'Orders API' });
  await row.waitFor();
  await row.getByText(REQUEST_COMMENT, { exact: true }).waitFor();
  await row.getByText('emma.orders', { exact: true }).waitFor();
  await expectGates(row, SHIPPED_GATES);
  await row.getByRole('button', { name: 'Review' }).click();
  const dialog = page.getByRole('dialog', { name: 'Decide on the promotion request' });
  await dialog.getByTestId('decision-request-comment').getByText(REQUEST_COMMENT, { exact: true }).waitFor();
  await expectGates(dialog, SHIPPED_GATES);
  return { token: session.backstageIdentity.token, row, dialog };
}

/** The main flow against one backend running the shipped config; returns the request id. */
async function governanceFlow(label: string, backstage: RunningBackstage, browser: Browser): Promise<string> {
  return scenario(label, backstage, browser, async (pages, at) => {
    // ── 1. The developer requests promotion ───────────────────────────────────────────────────────────
    at('emma requests promotion');
    const emma = await pages.open('emma.orders');
    const emmaSession = await openSignedInAs(emma, `${backstage.baseUrl}${ENTITY_PAGE}`, 'emma.orders');
    assert.equal(emmaSession.backstageIdentity.identity.userEntityRef, 'user:default/emma.orders');
    assert.ok(emmaSession.backstageIdentity.identity.ownershipEntityRefs.includes('group:default/orders-team'));
    const emmaToken = emmaSession.backstageIdentity.token;
    const emmaCard = emma.getByTestId('governance-card');
    await emmaCard.getByTestId('governance-no-open-request').waitFor();
    await currentEnvironment(emmaCard, 'staging');

    await emmaCard.getByRole('button', { name: 'Request promotion' }).click();
    const requestDialog = emma.getByRole('dialog', { name: 'Request promotion' });
    await requestDialog.waitFor();
    // The target environment: a select (MUI) with production as the only target.
    await requestDialog.getByRole('button', { name: /production/ }).click();
    await emma.getByRole('option', { name: 'production' }).click();
    await requestDialog.getByText('Promotes from staging to production').waitFor();
    await requestDialog.getByTestId('request-comment').fill(REQUEST_COMMENT);
    const request = await clickForJson<PromotionRequest>(emma, requestDialog.getByRole('button', { name: 'Request promotion' }), { method: 'POST', pathEnd: '/api/api-governance/requests', status: 201 });
    assert.equal(request.requestedBy, 'user:default/emma.orders');
    assert.equal(request.toEnvironment, 'production');
    await requestDialog.waitFor({ state: 'detached' });

    const open = emmaCard.getByTestId('governance-open-request');
    await open.waitFor();
    await open.getByText('staging → production').waitFor();
    await open.locator('[data-state="requested"]').waitFor();
    await open.getByText(REQUEST_COMMENT, { exact: true }).waitFor();
    await expectGates(open, SHIPPED_GATES);
    // The gates by the titles of the backend's registry.
    const gates = await gateRegistry(backstage, emmaToken);
    await open.getByText(gateLine(gates.canary!.title, 'unknown', false)).waitFor();
    await open.getByText(gateLine(gates.slo!.title, 'unknown', false)).waitFor();
    // Separation of duties in the UI: no Approve / Reject for the requester, a note instead.
    await open.getByTestId('card-self-note').waitFor();
    assert.equal(await emmaCard.getByRole('button', { name: 'Approve' }).count(), 0, 'the requester is offered no Approve');
    assert.equal(await emmaCard.getByRole('button', { name: 'Reject' }).count(), 0, 'the requester is offered no Reject');
    assert.ok(await emmaCard.getByRole('button', { name: 'Request promotion' }).isDisabled(), 'one open request per API and environment');
    // … and in the backend, with the browser's own token.
    assertRefused(await governanceApi(backstage, emmaToken, 'POST', `/requests/${request.id}/approve`, { version: 1 }), 403, 'SELF_APPROVAL');
    await assertNoXss(emma, 'emma, entity page');

    // ── 2. The product manager approves: the required gate passed, no override ───────────────────────
    at('carla approves');
    const carla = await pages.open('carla.pm');
    const { token: carlaToken, dialog } = await reviews(backstage, carla);
    await dialog.getByText(gateLine(gates.canary!.title, 'unknown', false)).waitFor();
    await dialog.getByText(gates.canary!.description, { exact: true }).waitFor();
    assert.equal(await dialog.getByTestId('decision-override-notice').count(), 0, 'no override notice: every required gate passed');
    const approve = dialog.getByTestId('decision-approve');
    assert.equal((await approve.textContent())?.trim(), 'Approve', 'a plain Approve, not "Approve with override"');
    await assertNoXss(carla, 'carla, decision dialog');
    await dialog.getByTestId('decision-comment').fill(APPROVE_COMMENT);
    const approved = await clickForJson<PromotionRequest>(carla, approve, { method: 'POST', pathEnd: `/requests/${request.id}/approve`, status: 200 });
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decidedBy, 'user:default/carla.pm');
    assert.equal(approved.overridden, false);
    assert.equal(approved.decisionReason, APPROVE_COMMENT);
    await dialog.waitFor({ state: 'detached' });
    // The inbox reloads: nothing awaits a decision any more.
    await carla.getByTestId('inbox-empty').waitFor();
    await assertNoXss(carla, 'carla, inbox after the approval', { textShown: false });

    // ── 3. The product manager marks it promoted ──────────────────────────────────────────────────────
    at('carla marks promoted');
    await carla.goto(`${backstage.baseUrl}${ENTITY_PAGE}/governance`);
    const carlaCard = carla.getByTestId('governance-card');
    const carlaOpen = carlaCard.getByTestId('governance-open-request');
    await carlaOpen.locator('[data-state="approved"]').waitFor();
    await carlaOpen.getByText('Approved by carla.pm', { exact: true }).waitFor();
    await carlaOpen.getByText(APPROVE_COMMENT, { exact: true }).waitFor();
    await carlaCard.getByRole('button', { name: 'Mark promoted' }).click();
    const promoteDialog = carla.getByRole('dialog', { name: 'Mark as promoted' });
    await promoteDialog.getByTestId('decision-comment').fill('deployed to production');
    await clickForJson(carla, promoteDialog.getByRole('button', { name: 'Mark promoted' }), { method: 'POST', pathEnd: `/requests/${request.id}/promote`, status: 200 });
    await promoteDialog.waitFor({ state: 'detached' });
    await carlaCard.getByTestId('governance-no-open-request').waitFor();
    await currentEnvironment(carlaCard, 'production');
    // The history on the same tab follows the promotion without a reload.
    at('carla sees the history follow');
    await carla.locator('[data-testid="timeline"] [data-testid="timeline-entry"][data-action="promote"]').waitFor();
    assert.deepEqual(await carla.getByTestId('timeline').getByTestId('timeline-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))), ['promote', 'approve', 'create']);
    await carla.getByTestId('events').getByTestId('event').nth(2).waitFor();

    // The history (a fresh load of the tab): audit entries newest first, and the recorded events.
    at('carla reads the history');
    await carla.reload();
    const entries = carla.getByTestId('timeline').getByTestId('timeline-entry');
    await entries.nth(2).waitFor();
    assert.deepEqual(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))), ['promote', 'approve', 'create']);
    await entries.nth(0).getByText('Marked promoted', { exact: true }).waitFor();
    await entries.nth(0).getByText('carla.pm', { exact: true }).waitFor();
    await entries.nth(1).getByText('Approved', { exact: true }).waitFor();
    await entries.nth(1).getByText('carla.pm', { exact: true }).waitFor();
    await entries.nth(1).getByTestId('timeline-reason').getByText(APPROVE_COMMENT, { exact: true }).waitFor();
    await entries.nth(2).getByText('Requested', { exact: true }).waitFor();
    await entries.nth(2).getByText('emma.orders', { exact: true }).waitFor();
    await entries.nth(2).getByTestId('timeline-reason').getByText(REQUEST_COMMENT, { exact: true }).waitFor();
    assert.equal(await carla.getByTestId('timeline').getByTestId('timeline-override').count(), 0, 'no gate override anywhere in the history');
    const events = carla.getByTestId('events').getByTestId('event');
    await events.nth(2).waitFor();
    const shownTypes = await events.evaluateAll((els) => els.map((e) => e.querySelector('h6, .MuiTypography-subtitle2')?.textContent ?? ''));
    assert.deepEqual(shownTypes, [...TOPICS].reverse(), 'events shown newest first');
    await events.nth(1).getByText(APPROVE_COMMENT, { exact: true }).waitFor();
    assert.equal(await carla.getByTestId('events').getByText('gate override').count(), 0);
    await assertNoXss(carla, 'carla, Governance tab');

    // ── 4. The developer sees production too ──────────────────────────────────────────────────────────
    at('emma sees production');
    await emma.reload();
    await emmaCard.getByTestId('governance-no-open-request').waitFor();
    await currentEnvironment(emmaCard, 'production');
    // The last promotion can be rolled back, but not by the owner: rollback belongs to product managers.
    const rollback = emmaCard.getByRole('button', { name: 'Mark rolled back' });
    assert.ok(await rollback.isVisible(), 'the last promotion offers a rollback');
    assert.ok(await rollback.isDisabled(), 'emma.orders may not roll back (product managers do)');
    await assertNoXss(emma, 'emma, entity page after promotion', { textShown: false });
    // Her Governance tab (reached through the tab): the same history, the hostile text as text.
    await emma.getByRole('tab', { name: 'Governance' }).or(emma.getByRole('link', { name: 'Governance', exact: true })).first().click();
    await emma.waitForURL(/\/catalog\/default\/api\/orders\/governance/);
    await emma.getByTestId('timeline').getByTestId('timeline-entry').nth(2).waitFor();
    await currentEnvironment(emma.getByTestId('governance-card'), 'production');
    await emma.getByTestId('timeline').getByText(REQUEST_COMMENT, { exact: true }).waitFor();
    await emma.getByTestId('timeline').getByText(APPROVE_COMMENT, { exact: true }).waitFor();
    await assertNoXss(emma, 'emma, Governance tab');

    // ── 5. The recorded events through the API, with a real user token ──────────────────────────────────
    at('events API');
    const listed = await governanceApi(backstage, emmaToken, 'GET', `/events?entityRef=${encodeURIComponent(ENTITY_REF)}`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const items = (listed.body as { items: RecordedEvent[] }).items;
    assert.deepEqual(items.map((e) => e.topic), TOPICS);
    assert.deepEqual(items.map((e) => e.eventId), [1, 2, 3].map((v) => `promotion:${request.id}:${v}`));
    assert.ok(items.every((e, i) => i === 0 || e.seq > items[i - 1]!.seq), `seq ascending: ${items.map((e) => e.seq).join(', ')}`);
    assert.ok(items.every((e) => e.publishedAt !== null), 'every event was published');
    const payloads = items.map((e) => e.payload as unknown as Record<string, unknown>);
    assert.deepEqual(payloads.map((p) => [p.actor, p.action, p.state, p.overridden]), [
      ['user:default/emma.orders', 'create', 'requested', false],
      ['user:default/carla.pm', 'approve', 'approved', false],
      ['user:default/carla.pm', 'promote', 'promoted', false],
    ]);
    assert.equal(payloads[0]!.reason, REQUEST_COMMENT, 'the hostile comment is stored verbatim (it is data, not markup)');
    assert.equal(payloads[1]!.reason, APPROVE_COMMENT);
    // Stable: a second read (paged after the first event, another user's token) gives the same ids.
    const again = await governanceApi(backstage, carlaToken, 'GET', `/events?entityRef=${encodeURIComponent(ENTITY_REF)}&after=${items[0]!.seq}`);
    assert.deepEqual((again.body as { items: RecordedEvent[] }).items.map((e) => [e.seq, e.eventId]), items.slice(1).map((e) => [e.seq, e.eventId]));
    return request.id;
  });
}

/**
 * The override rules, with the canary gate required (CANARY_REQUIRED_CONFIG) and the shipped policy:
 * approving over the unknown canary gate needs approve AND override, which only deepak.pm (product-managers
 * and product-leads) holds.
 */
async function overrideScenario(backstage: RunningBackstage, browser: Browser): Promise<void> {
  await scenario('override', backstage, browser, async (pages, at) => {
    at('emma requests promotion (API)');
    const created = await backstage.fetchAs('emma.orders', '/api/api-governance/requests', { method: 'POST', json: { entityRef: ENTITY_REF, toEnvironment: 'production', comment: REQUEST_COMMENT } });
    const createdText = await created.text();
    assert.equal(created.status, 201, createdText);
    const request = JSON.parse(createdText) as PromotionRequest;
    const approvePath = `/requests/${request.id}/approve`;

    // The dialog tells carla approving is an override (the canary gate is required and unknown).
    at('carla reviews');
    const carla = await pages.open('carla.pm');
    const { token: carlaToken, row, dialog } = await reviews(backstage, carla);
    const gates = await gateRegistry(backstage, carlaToken);
    await row.getByText(`${gates.canary!.title}: unknown`, { exact: true }).waitFor(); // required: no "(not required)"
    await dialog.getByText(gateLine(gates.slo!.title, 'unknown', false)).waitFor();
    assert.equal(await dialog.getByText(gateLine(gates.canary!.title, 'unknown', false)).count(), 0, 'the canary gate is required here');
    await dialog.getByTestId('decision-override-notice').waitFor();
    const approve = dialog.getByTestId('decision-approve');

    // A plain approve is refused with the gate report.
    at('carla approves without override (API)');
    const plain = assertRefused(await governanceApi(backstage, carlaToken, 'POST', approvePath, { version: 1 }), 422, 'GATES_NOT_PASSED');
    assert.match(plain.message, /canary: unknown/);
    assert.equal(plain.details?.gates?.passed, false);
    assert.deepEqual(plain.details!.gates!.gates.map((g) => [g.gate, g.status, g.required]), [['definition', 'passed', true], ['canary', 'unknown', true], ['slo', 'unknown', false]]);

    // carla is a product manager but not a product lead: the permission framework denies her the override, so
    // the dialog offers no "Approve with override" (Approve disabled, with the reason; Reject stays available)
    // and the backend refuses her override anyway (403 FORBIDDEN, with her own browser token).
    at('carla may not override (UI, then API)');
    await dialog.locator('[data-testid="decision-override-notice"][data-can-override="false"]').waitFor();
    await dialog.locator('[data-testid="decision-approve"][data-permission="denied"]').waitFor();
    assert.ok(await approve.isDisabled(), 'no approve over the unknown canary gate without the override permission');
    assert.equal((await approve.textContent())?.trim(), 'Approve');
    assert.equal(await dialog.getByRole('button', { name: 'Approve with override' }).count(), 0, 'no "Approve with override" for carla');
    assert.match((await approve.getAttribute('data-disabled-reason')) ?? '', /needs the override permission/);
    await dialog.locator('[data-testid="decision-reject"][data-permission="allowed"]').waitFor();
    assert.ok(await dialog.getByTestId('decision-reject').isEnabled(), 'she may still reject');
    const refused = assertRefused(await governanceApi(backstage, carlaToken, 'POST', approvePath, { version: 1, override: { reason: OVERRIDE_REASON } }), 403, 'FORBIDDEN');
    assert.match(refused.message, /user:default\/carla\.pm may not override failed gates of api:default\/orders/);
    await assertNoXss(carla, 'carla, decision dialog without the override');

    // alice.platform (api-platform-team) may neither approve nor override: refused before the gates are looked at.
    at('alice approves with override (API)');
    const aliceToken = await backstage.userToken('alice.platform');
    const alice = assertRefused(await governanceApi(backstage, aliceToken, 'POST', approvePath, { version: 1, override: { reason: OVERRIDE_REASON } }), 403, 'FORBIDDEN');
    assert.match(alice.message, /user:default\/alice\.platform may not approve promotions of api:default\/orders/);

    // Nothing changed: the request still awaits a decision and only its creation was recorded.
    at('nothing recorded');
    const current = await governanceApi(backstage, carlaToken, 'GET', `/requests/${request.id}`);
    assert.equal(current.status, 200, JSON.stringify(current.body));
    assert.deepEqual([(current.body as PromotionRequest).state, (current.body as PromotionRequest).version], ['requested', 1]);
    const listed = await governanceApi(backstage, carlaToken, 'GET', `/events?entityRef=${encodeURIComponent(ENTITY_REF)}`);
    assert.deepEqual((listed.body as { items: RecordedEvent[] }).items.map((e) => e.topic), [TOPICS[0]]);

    // deepak.pm, a product lead (approve AND override), approves over the unknown canary gate in the dialog.
    at('deepak approves with override (UI)');
    const deepak = await pages.open('deepak.pm');
    const review = await reviews(backstage, deepak, 'deepak.pm');
    await review.dialog.getByTestId('decision-override-notice').waitFor();
    const deepakApprove = review.dialog.getByRole('button', { name: 'Approve with override' });
    await deepakApprove.click();
    await review.dialog.getByTestId('decision-validation').getByText(/requires a reason/).waitFor();
    await review.dialog.getByTestId('decision-comment').fill(OVERRIDE_REASON);
    const approved = await clickForJson<PromotionRequest>(deepak, deepakApprove, { method: 'POST', pathEnd: approvePath, status: 200 });
    assert.deepEqual(
      [approved.state, approved.decidedBy, approved.overridden, approved.decisionReason],
      ['approved', 'user:default/deepak.pm', true, OVERRIDE_DECISION],
    );
    await review.dialog.waitFor({ state: 'detached' });
    await deepak.getByTestId('inbox-empty').waitFor();

    // The card and the history show the override and its reason, as text.
    at('deepak reads the card and the history');
    await deepak.goto(`${backstage.baseUrl}${ENTITY_PAGE}/governance`);
    const open = deepak.getByTestId('governance-card').getByTestId('governance-open-request');
    await open.locator('[data-state="approved"]').waitFor();
    await open.getByText('Approved by deepak.pm (gate override)', { exact: true }).waitFor();
    await open.getByText(OVERRIDE_DECISION, { exact: true }).waitFor();
    const entries = deepak.getByTestId('timeline').getByTestId('timeline-entry');
    await entries.nth(1).waitFor();
    assert.deepEqual(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))), ['approve', 'create']);
    await entries.nth(0).getByText('Approved', { exact: true }).waitFor();
    await entries.nth(0).getByText('deepak.pm', { exact: true }).waitFor();
    await entries.nth(0).getByTestId('timeline-override').getByText('gate override', { exact: true }).waitFor();
    await entries.nth(0).getByTestId('timeline-reason').getByText(OVERRIDE_DECISION, { exact: true }).waitFor();
    assert.equal(await entries.nth(1).getByTestId('timeline-override').count(), 0, 'the request itself is no override');
    const events = deepak.getByTestId('events').getByTestId('event');
    await events.nth(1).waitFor();
    const approvedEvent = events.filter({ hasText: TOPICS[1]! });
    await approvedEvent.getByText('gate override', { exact: true }).waitFor();
    await approvedEvent.getByText(OVERRIDE_DECISION, { exact: true }).waitFor();
    assert.equal(await events.filter({ hasText: TOPICS[0]! }).getByText('gate override', { exact: true }).count(), 0);
    await assertNoXss(deepak, 'deepak, Governance tab after the override');

    // The recorded approval event carries the override flag (payload `overridden`) and the reason.
    at('events API');
    const recorded = await governanceApi(backstage, review.token, 'GET', `/events?entityRef=${encodeURIComponent(ENTITY_REF)}`);
    assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
    const items = (recorded.body as { items: RecordedEvent[] }).items;
    assert.deepEqual(items.map((e) => e.topic), TOPICS.slice(0, 2));
    const payloads = items.map((e) => e.payload as unknown as Record<string, unknown>);
    assert.deepEqual(payloads.map((p) => [p.actor, p.action, p.state, p.overridden]), [
      ['user:default/emma.orders', 'create', 'requested', false],
      ['user:default/deepak.pm', 'approve', 'approved', true],
    ]);
    assert.equal(payloads[1]!.reason, OVERRIDE_DECISION, 'the reason is stored verbatim, after the "override: " marker');
    const audit = await governanceApi(backstage, review.token, 'GET', `/requests/${request.id}/audit`);
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const auditItems = (audit.body as { items: Array<{ action: string; actor: string; override: boolean; reason: string | null }> }).items;
    assert.deepEqual(auditItems.map((a) => [a.action, a.actor, a.override, a.reason]), [
      ['create', 'user:default/emma.orders', false, REQUEST_COMMENT],
      ['approve', 'user:default/deepak.pm', true, OVERRIDE_DECISION],
    ]);
  });
}

/** The card's environment chip marked current. */
async function currentEnvironment(card: Locator, env: string): Promise<void> {
  await card.locator(`[data-env="${env}"][data-current="true"]`).waitFor();
  await card.getByText(`${env} (current)`, { exact: true }).waitFor();
}

/** Each gate of a gate list shows the expected status. */
async function expectGates(scope: Locator, expected: Record<string, string>): Promise<void> {
  for (const [gate, status] of Object.entries(expected)) {
    await scope.locator(`[data-testid="gates"] [data-gate="${gate}"][data-status="${status}"]`).first().waitFor();
  }
}

/** The hostile string was never turned into markup on this page, and is there as text. */
async function assertNoXss(page: Page, where: string, opts: { textShown?: boolean } = {}): Promise<void> {
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined, `${where}: window.__xss is set`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, `${where}: an <img src=x> element exists`);
  const srcs = await page.evaluate(() => (window as unknown as { __imgSrcs?: string[] }).__imgSrcs);
  assert.ok(Array.isArray(srcs), `${where}: the <img> watcher is not installed`);
  assert.ok(!srcs.includes('x'), `${where}: an <img src=x> was created at some point (images seen: ${JSON.stringify(srcs)})`);
  if (opts.textShown !== false) assert.ok((await page.getByText(HOSTILE, { exact: false }).count()) > 0, `${where}: the hostile string is shown as text`);
}

/** The backend log's last lines, without the per-request access log. */
function backendTail(backstage: RunningBackstage, lines = 40): string {
  return backstage
    .tail(400)
    .split('\n')
    .filter((l) => !l.includes('rootHttpRouter'))
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
    .slice(-lines)
    .join('\n');
}

/** Until the catalog serves these users (the devUsers provider signs in catalog users only). */
async function waitForUsers(backstage: RunningBackstage, names: string[], timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const users = await backstage.getJson<Array<{ metadata: { name: string } }>>('/api/catalog/entities?filter=kind=user&fields=metadata.name');
    const seen = users.map((u) => u.metadata.name);
    if (names.every((n) => seen.includes(n))) return;
    if (Date.now() > until) throw new Error(`catalog users [${seen.join(', ')}], missing [${names.filter((n) => !seen.includes(n)).join(', ')}]\n${backendTail(backstage)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface SuiteDatabase {
  db: StartBackstageOptions['database'];
  cleanup(): Promise<void>;
  /** Checks in the database itself after the flow (PostgreSQL: the rows are really there). */
  verify?(requestId: string): Promise<void>;
}

/** A describe() with one backend (`config`: extra config over the shipped files) and one browser. */
function suite(name: string, opts: { label: string; database: () => Promise<SuiteDatabase>; config?: Record<string, unknown>; skip?: string }, body: (ctx: () => { backstage: RunningBackstage; browser: Browser; database: SuiteDatabase }) => void) {
  describe(name, { skip: opts.skip }, () => {
    let backstage: RunningBackstage | undefined;
    let browser: Browser | undefined;
    let started: SuiteDatabase | undefined;
    const skipBrowser = browserSkipReason();

    before(async () => {
      if (skipBrowser) return;
      started = await opts.database();
      [backstage, browser] = await Promise.all([startBackstage({ name: `backend-governance-${opts.label}`, database: started.db, config: opts.config }), launchBrowser()]);
      await backstage.waitForApis(['orders']);
      await waitForUsers(backstage, ['emma.orders', 'carla.pm', 'deepak.pm', 'alice.platform']);
    });
    after(async () => {
      await browser?.close();
      await backstage?.stop();
      await started?.cleanup();
    });
    if (skipBrowser) test('browser flow', { skip: skipBrowser }, () => undefined);
    else body(() => ({ backstage: backstage!, browser: browser!, database: started! }));
  });
}

const sqlite = async (): Promise<SuiteDatabase> => ({ db: { client: 'sqlite' }, cleanup: async () => undefined });
const MAIN_FLOW = 'shipped config: developer requests, product manager approves (no override) and marks promoted; events recorded';

suite('governance end to end on SQLite (in memory)', { label: 'sqlite', database: sqlite }, (ctx) => {
  test(MAIN_FLOW, async () => {
    const { backstage, browser } = ctx();
    await governanceFlow('sqlite', backstage, browser);
  });
});

suite(
  'governance end to end on PostgreSQL',
  {
    label: 'pg',
    skip: postgresSkipReason(),
    database: async () => {
      const prefix = `bs_gov_${randomBytes(4).toString('hex')}_`;
      let pg: LocalPostgres | undefined;
      let conn: PostgresConnection | undefined = postgresFromEnv();
      if (!conn) conn = pg = await startLocalPostgres();
      const c = conn;
      return {
        db: { client: 'pg', connection: c, prefix },
        cleanup: async () => {
          await dropDatabases(c, prefix).catch(() => undefined);
          await pg?.stop();
        },
        verify: async (requestId: string) => {
          const database = `${prefix}api-governance`;
          const events = await pgQuery<{ event_id: string; topic: string }>(c, 'select event_id, topic from governance_events where entity_ref = $1 order by seq', [ENTITY_REF], database);
          assert.deepEqual(events.map((e) => [e.event_id, e.topic]), TOPICS.map((t, i) => [`promotion:${requestId}:${i + 1}`, t]));
          const audit = await pgQuery<{ action: string; actor: string; override: boolean }>(c, 'select action, actor, override from governance_audit where request_id = $1 order by id', [requestId], database);
          assert.deepEqual(audit.map((a) => [a.action, a.actor, Boolean(a.override)]), [
            ['create', 'user:default/emma.orders', false],
            ['approve', 'user:default/carla.pm', false],
            ['promote', 'user:default/carla.pm', false],
          ]);
        },
      };
    },
  },
  (ctx) => {
    test(MAIN_FLOW, async () => {
      const { backstage, browser, database } = ctx();
      const requestId = await governanceFlow('pg', backstage, browser);
      await database.verify!(requestId);
    });
  },
);

suite('governance override rules on SQLite, canary gate required (as in a deployment)', { label: 'override', database: sqlite, config: CANARY_REQUIRED_CONFIG }, (ctx) => {
  test('plain approve 422 GATES_NOT_PASSED; product manager override 403; api-platform-team neither approves nor overrides; product lead approves with override', async () => {
    const { backstage, browser } = ctx();
    await overrideScenario(backstage, browser);
  });
});
