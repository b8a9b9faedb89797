import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithPermissions } from '../../testUtils/permission-fixtures';
import { ApprovalsInboxView, type EntityInfo } from './ApprovalsInboxView';
import { DAY, FakeApi, HOSTILE, HOUR, MIN, NOW, ago, failedGates, req } from '../../testUtils/fixtures';

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
