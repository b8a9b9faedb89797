import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { renderWithPermissions } from './permission-fixtures';
import { ApprovalsInboxView, type EntityInfo } from '../components/ApprovalsInboxView';
import { HistoryTimeline, HistoryTimelineView } from '../components/HistoryTimelineView';
import { DAY, FakeApi, HOSTILE, HOUR, MIN, NOW, ago, failedGates, passedGates, req } from './fixtures';
import type { AuditEntry } from '@api-observatory/backstage-plugin-api-governance-common';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));

/** Picks an option of an MUI select (found by the data-testid of its input). */
async function choose(testId: string, option: string) {
  const input = screen.getByTestId(testId);
  const button = input.parentElement!.querySelector('[role="button"]')!;
  act(() => void fireEvent.mouseDown(button));
  const listbox = await screen.findByRole('listbox');
  click(within(listbox).getByText(option));
  await flush();
}

const ENTITIES: Record<string, EntityInfo> = {
  'api:default/orders': { title: 'Orders API', system: 'commerce', owner: 'group:default/team-a' },
  'api:default/payments': { title: 'Payments API', system: 'payments', owner: 'group:default/team-b' },
  'api:default/inventory': { title: 'Inventory API', system: 'commerce', owner: 'group:default/team-b' },
  'api:default/shipping': { title: 'Shipping API', system: 'logistics', owner: 'group:default/team-c' },
};

function inboxApi() {
  const api = new FakeApi();
  api.requests = [
    req({ entityRef: 'api:default/orders', requestedAt: ago(2 * HOUR), requestedBy: 'user:default/alice', gates: failedGates }),
    req({ entityRef: 'api:default/payments', requestedAt: ago(3 * DAY), requestedBy: 'user:default/bob' }),
    req({ entityRef: 'api:default/inventory', requestedAt: ago(10 * MIN), requestedBy: 'user:default/carol', comment: HOSTILE }),
    req({ entityRef: 'api:default/shipping', requestedAt: ago(1.5 * DAY), state: 'approved' }),
    req({ entityRef: 'api:default/orders', requestedAt: ago(9 * DAY), state: 'rejected' }),
  ];
  return api;
}

const titles = () => screen.queryAllByTestId('inbox-row').map((r) => within(r).getByTestId('entity-link').textContent);

function renderInbox(api: FakeApi, currentUser = 'user:default/bob') {
  const loaded: string[][] = [];
  const utils = renderWithPermissions(
    <ApprovalsInboxView
      api={api}
      currentUser={currentUser}
      now={NOW}
      loadEntities={async (refs) => {
        loaded.push(refs);
        return Object.fromEntries(refs.filter((r) => ENTITIES[r]).map((r) => [r, ENTITIES[r]!]));
      }}
      renderEntityLink={(ref, title) => (
        <a href={`/catalog/default/api/${ref.split('/')[1]}`} data-testid="entity-link">
          {title}
        </a>
      )}
    />,
  );
  return { ...utils, loaded };
}

describe('approvals inbox', () => {
  test('open requests awaiting a decision, oldest first, linking to the entity pages; sortable by age', async () => {
    const api = inboxApi();
    const { container, loaded } = renderInbox(api);
    await screen.findAllByTestId('inbox-row');
    assert.deepEqual(titles(), ['Payments API', 'Orders API', 'Inventory API']);
    assert.deepEqual(screen.getAllByTestId('inbox-age').map((c) => c.textContent), ['3d', '2h', '10m']);
    assert.equal(screen.getAllByTestId('entity-link')[0]!.getAttribute('href'), '/catalog/default/api/payments');
    assert.deepEqual(loaded[0]!.sort(), ['api:default/inventory', 'api:default/orders', 'api:default/payments', 'api:default/shipping']);
    click(screen.getByTestId('sort-age'));
    assert.deepEqual(titles(), ['Inventory API', 'Orders API', 'Payments API']);
    // a hostile comment is text
    screen.getByText(HOSTILE);
    assert.equal(container.querySelector('img'), null);
  });

  test('filters: system, owner, age and state', async () => {
    renderInbox(inboxApi());
    await screen.findAllByTestId('inbox-row');
    await choose('filter-system', 'commerce');
    assert.deepEqual(titles(), ['Orders API', 'Inventory API']);
    await choose('filter-owner', 'team-b');
    assert.deepEqual(titles(), ['Inventory API']);
    await choose('filter-age', 'Older than 1 hour');
    assert.deepEqual(titles(), []);
    screen.getByTestId('inbox-empty');
    await choose('filter-owner', 'All owners');
    assert.deepEqual(titles(), ['Orders API']);
    await choose('filter-system', 'All systems');
    await choose('filter-age', 'Older than 1 day');
    assert.deepEqual(titles(), ['Payments API']);
    await choose('filter-state', 'Approved, awaiting promotion');
    assert.deepEqual(titles(), ['Shipping API']);
    await choose('filter-state', 'All open');
    assert.deepEqual(titles(), ['Payments API', 'Shipping API']);
  });

  test('"Review" opens the decision dialog with the gates; a decision reloads the inbox', async () => {
    const api = inboxApi();
    renderInbox(api);
    await screen.findAllByTestId('inbox-row');
    await waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));
    const row = screen.getAllByTestId('inbox-row').find((r) => within(r).queryByText('Orders API'))!;
    click(within(row).getByTestId('inbox-review'));
    const dialog = await screen.findByRole('dialog');
    within(dialog).getByText('Orders API');
    assert.equal(within(dialog).getByTestId('decision-approve').textContent, 'Approve with override');
    act(() => void fireEvent.change(within(dialog).getByTestId('decision-comment'), { target: { value: 'not now' } }));
    click(within(dialog).getByTestId('decision-reject'));
    await flush();
    await flush();
    assert.equal(api.writes()[0]!.args[1], 'reject');
    assert.equal(screen.queryByRole('dialog'), null);
    assert.deepEqual(titles(), ['Payments API', 'Inventory API'], 'the rejected request left the inbox');
  });

  test("the requester's own request offers View, not Review; the dialog hides approve", async () => {
    renderInbox(inboxApi(), 'user:default/alice');
    await screen.findAllByTestId('inbox-row');
    await waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));
    const row = screen.getAllByTestId('inbox-row').find((r) => within(r).queryByText('Orders API'))!;
    const btn = within(row).getByTestId('inbox-review');
    assert.equal(btn.textContent, 'View');
    click(btn);
    await screen.findByTestId('decision-self');
    assert.equal(screen.queryByTestId('decision-approve'), null);
  });
});

const audit = (over: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  requestId: 'r',
  actor: 'user:default/alice',
  at: ago(2 * HOUR),
  action: 'create',
  fromState: null,
  toState: 'requested',
  reason: null,
  override: false,
  evidence: null,
  ...over,
});

describe('history timeline', () => {
  test('audit entries (who, when, action, states, reason, override, evidence), newest first; hostile text stays text', () => {
    const r = req({ comment: HOSTILE });
    const entries = [
      { request: r, entry: audit({ id: 1, requestId: r.id, evidence: passedGates }) },
      {
        request: r,
        entry: audit({ id: 2, requestId: r.id, actor: 'user:default/carol', at: ago(HOUR), action: 'approve', fromState: 'requested', toState: 'approved', override: true, reason: `override: ${HOSTILE}`, evidence: failedGates }),
      },
    ];
    const { container } = render(<HistoryTimelineView entries={entries} events={[]} />);
    const items = screen.getAllByTestId('timeline-entry');
    assert.deepEqual(items.map((i) => i.getAttribute('data-action')), ['approve', 'create']);
    const approve = within(items[0]!);
    approve.getByText('Approved');
    approve.getByText(/carol/);
    approve.getByText(/Awaiting decision → Approved, awaiting promotion/);
    approve.getByTestId('timeline-override');
    assert.equal(approve.getByTestId('timeline-reason').textContent, `override: ${HOSTILE}`);
    assert.deepEqual([...items[0]!.querySelectorAll('[data-gate]')].map((g) => g.getAttribute('data-status')), ['passed', 'failed', 'unknown']);
    approve.getByText('verdict rollback: error ratio 4.1% > 1%');
    // the create entry shows the requester's comment, as text
    assert.equal(within(items[1]!).getByTestId('timeline-reason').textContent, HOSTILE);
    assert.equal(within(items[1]!).queryByTestId('timeline-override'), null);
    assert.equal(container.querySelector('img'), null, 'no img element: the comment was not parsed as HTML');
    screen.getByTestId('events-empty');
    assert.match(screen.getByTestId('events-empty').textContent!, /No events recorded/);
  });

  test('recorded events are listed with type, actor and payload (as text)', () => {
    const events = [
      { type: 'api-governance.promotion.approved', at: ago(HOUR), actor: 'user:default/carol', payload: { fromEnvironment: 'staging', toEnvironment: 'production', previousState: 'requested', state: 'approved', reason: HOSTILE, overridden: true } },
      { type: 'api.deprecated', occurredAt: ago(MIN), payload: { reason: 'use v2', sunsetDate: '2027-01-01', consumers: ['component:default/web'] } },
    ];
    const { container } = render(<HistoryTimelineView entries={[]} events={events} />);
    const items = screen.getAllByTestId('event');
    assert.deepEqual(items.map((i) => i.querySelector('h6, .MuiTypography-subtitle2')?.textContent), ['api.deprecated', 'api-governance.promotion.approved']);
    within(items[1]!).getByText(/staging → production · Awaiting decision → Approved, awaiting promotion/);
    within(items[1]!).getByText('gate override');
    within(items[1]!).getByText(HOSTILE);
    within(items[0]!).getByText(/sunset 2027-01-01/);
    assert.equal(container.querySelector('img'), null);
    screen.getByTestId('timeline-empty');
  });

  test('loads requests, their audit and the events; a backend without events shows "No events recorded"', async () => {
    const api = new FakeApi();
    const r = req({ entityRef: 'api:default/orders' });
    api.requests = [r, req({ entityRef: 'api:default/other' })];
    api.audits[r.id] = [audit({ requestId: r.id })];
    api.events = []; // what the client returns on a 404
    render(<HistoryTimeline api={api} entityRef="api:default/orders" />);
    await screen.findAllByTestId('timeline-entry');
    assert.equal(screen.getAllByTestId('timeline-entry').length, 1);
    screen.getByText('No events recorded.');
    assert.deepEqual(api.calls.filter((c) => c.method === 'getAudit').map((c) => c.args[0]), [r.id]);
  });
});
