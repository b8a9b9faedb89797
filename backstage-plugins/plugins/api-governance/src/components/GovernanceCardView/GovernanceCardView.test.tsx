import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { GovernanceCardView } from './GovernanceCardView';
import { GovernanceApiError } from '../../api/client';
import { DAY, FakeApi, HOSTILE, NOW, ago, failedGates, req } from '../../testUtils/fixtures';
import { renderWithPermissions as render } from '../../testUtils/permission-fixtures';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const type = (el: Element, value: string) => act(() => void fireEvent.change(el, { target: { value } }));
const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** No button waits for a permission check any more. */
const permissionsChecked = () => waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));

function renderCard(api: FakeApi, currentUser = BOB) {
  return render(<GovernanceCardView api={api} entityRef="api:default/orders" entityTitle="Orders API" currentUser={currentUser} now={NOW} />);
}

describe('entity card', () => {
  test('environments with the current one (last promotion), the open request, its state and each gate with its summary', async () => {
    const api = new FakeApi();
    api.requests = [
      req({ state: 'promoted', fromEnvironment: 'dev', toEnvironment: 'staging', updatedAt: ago(2 * DAY), requestedAt: ago(3 * DAY) }),
      req({ state: 'requested', gates: failedGates, comment: `please ${HOSTILE}`, requestedBy: ALICE }),
    ];
    const { container } = renderCard(api);
    await screen.findByTestId('governance-open-request');
    await permissionsChecked();
    const envs = screen.getByTestId('governance-environments');
    assert.deepEqual([...envs.querySelectorAll('[data-env]')].map((e) => e.getAttribute('data-env')), ['dev', 'staging', 'production']);
    assert.equal(envs.querySelector('[data-current="true"]')?.getAttribute('data-env'), 'staging');
    const open = screen.getByTestId('governance-open-request');
    within(open).getByText('staging → production');
    within(open).getByText('Awaiting decision');
    within(open).getByText(/alice/);
    within(open).getByText('2h ago');
    const gates = [...open.querySelectorAll('[data-gate]')].map((g) => `${g.getAttribute('data-gate')}=${g.getAttribute('data-status')}`);
    assert.deepEqual(gates, ['definition=passed', 'canary=failed', 'slo=unknown']);
    within(open).getByText('verdict rollback: error ratio 4.1% > 1%');
    within(open).getByText('no Prometheus configured');
    // the requester's hostile comment is text
    within(open).getByText(`please ${HOSTILE}`);
    assert.equal(container.querySelector('img'), null);
    // a non-requester sees approve / reject / cancel; a request is already open
    assert.ok(screen.getByTestId('card-approve') && screen.getByTestId('card-reject') && screen.getByTestId('card-cancel'));
    assert.equal((screen.getByTestId('card-request') as HTMLButtonElement).disabled, true);
  });

  test('the requester is not offered approve / reject (the backend enforces it too), only cancel', async () => {
    const api = new FakeApi();
    api.requests = [req({ requestedBy: ALICE })];
    renderCard(api, ALICE);
    await screen.findByTestId('governance-open-request');
    await permissionsChecked();
    assert.equal(screen.queryByTestId('card-approve'), null);
    assert.equal(screen.queryByTestId('card-reject'), null);
    screen.getByTestId('card-cancel');
    screen.getByTestId('card-self-note');
  });

  test('approved request: "Mark promoted" (no approve); nothing open: "Request promotion" creates one with target and comment', async () => {
    const api = new FakeApi();
    api.requests = [req({ state: 'approved', decidedBy: BOB, decisionReason: 'ok' })];
    renderCard(api);
    await screen.findByTestId('card-promote');
    await permissionsChecked();
    assert.equal(screen.queryByTestId('card-approve'), null);
    cleanup();

    const api2 = new FakeApi();
    api2.requests = [req({ state: 'rejected', fromEnvironment: 'dev', toEnvironment: 'staging' })];
    renderCard(api2);
    await screen.findByTestId('governance-no-open-request');
    await permissionsChecked();
    assert.equal(screen.getByTestId('governance-environments').querySelector('[data-current="true"]')?.getAttribute('data-env'), 'dev');
    const btn = screen.getByTestId('card-request') as HTMLButtonElement;
    assert.equal(btn.disabled, false);
    click(btn);
    const dialog = await screen.findByRole('dialog');
    // default target: the environment after the current one
    assert.equal((within(dialog).getByTestId('request-target') as HTMLInputElement).value, 'staging');
    type(within(dialog).getByTestId('request-comment'), 'ready for staging');
    click(within(dialog).getByTestId('request-submit'));
    await flush();
    const [create] = api2.writes();
    assert.deepEqual(create!.args[0], { entityRef: 'api:default/orders', toEnvironment: 'staging', comment: 'ready for staging' });
    assert.ok(create!.key, 'an Idempotency-Key is sent');
    await waitFor(() => assert.equal(screen.queryByRole('dialog'), null));
    await screen.findByTestId('governance-open-request');
  });

  test('REQUEST_ALREADY_OPEN from the backend is shown with its message', async () => {
    const api = new FakeApi();
    api.createErrors = [new GovernanceApiError('REQUEST_ALREADY_OPEN', 'api:default/orders already has an open request (requested)', 409)];
    renderCard(api);
    await screen.findByTestId('card-request');
    await permissionsChecked();
    click(screen.getByTestId('card-request'));
    const dialog = await screen.findByRole('dialog');
    click(within(dialog).getByTestId('request-submit'));
    await flush();
    const err = within(dialog).getByTestId('governance-error');
    assert.equal(err.getAttribute('data-code'), 'REQUEST_ALREADY_OPEN');
    within(err).getByText(/already has an open request/);
  });
});
