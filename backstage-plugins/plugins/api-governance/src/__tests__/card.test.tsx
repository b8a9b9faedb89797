import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { GovernanceCardView } from '../components/GovernanceCardView';
import { DecisionDialog } from '../components/DecisionDialog';
import { GovernanceApiError } from '../api/client';
import { DAY, FakeApi, HOSTILE, HOUR, NOW, ago, failedGates, passedGates, req } from './fixtures';
import { FakePermissionApi, renderWithPermissions as render } from './permission-fixtures';

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

/** The dialog (every permission allowed unless `permissionApi` says otherwise), once its permissions are checked. */
async function renderDialog(api: FakeApi, request = api.requests[0]!, currentUser = BOB, mode: 'decide' | 'cancel' | 'promote' = 'decide', permissionApi?: FakePermissionApi) {
  const changed: unknown[] = [];
  let closed = 0;
  const utils = render(
    <DecisionDialog open api={api} request={request} currentUser={currentUser} mode={mode} entityTitle="Orders API" onClose={() => closed++} onChanged={(r) => changed.push(r)} />,
    permissionApi,
  );
  await permissionsChecked();
  return { ...utils, changed, closed: () => closed };
}

describe('decision dialog', () => {
  test('reject without a comment is refused client-side; with one it is sent as the reason with the version', async () => {
    const api = new FakeApi();
    api.requests = [req({ gates: passedGates, version: 3 })];
    const d = await renderDialog(api);
    click(screen.getByTestId('decision-reject'));
    screen.getByTestId('decision-validation');
    assert.match(screen.getByTestId('decision-validation').textContent!, /comment is required to reject/);
    type(screen.getByTestId('decision-comment'), '   ');
    click(screen.getByTestId('decision-reject'));
    screen.getByTestId('decision-validation');
    assert.equal(api.writes().length, 0, 'nothing sent');
    type(screen.getByTestId('decision-comment'), 'breaks the mobile app');
    click(screen.getByTestId('decision-reject'));
    await flush();
    assert.deepEqual(api.writes()[0]!.args, [api.requests[0]!.id, 'reject', { version: 3, reason: 'breaks the mobile app' }]);
    assert.equal(d.closed(), 1);
  });

  test('all gates passed: plain approve, comment optional', async () => {
    const api = new FakeApi();
    api.requests = [req({ gates: passedGates })];
    await renderDialog(api);
    const approve = screen.getByTestId('decision-approve');
    assert.equal(approve.textContent, 'Approve');
    assert.equal(screen.queryByTestId('decision-override-notice'), null);
    click(approve);
    await flush();
    assert.deepEqual(api.writes()[0]!.args[2], { version: 1 });
  });

  test('failed / unknown gates: approving is an override that requires a reason', async () => {
    const api = new FakeApi();
    api.requests = [req({ gates: failedGates })];
    const { container } = await renderDialog(api);
    const gates = [...container.ownerDocument.querySelectorAll('[data-gate]')].map((g) => g.getAttribute('data-status'));
    assert.deepEqual(gates, ['passed', 'failed', 'unknown']);
    screen.getByTestId('decision-override-notice');
    const approve = screen.getByTestId('decision-approve');
    assert.equal(approve.textContent, 'Approve with override');
    click(approve);
    assert.match(screen.getByTestId('decision-validation').textContent!, /requires a reason/);
    assert.equal(api.writes().length, 0);
    type(screen.getByTestId('decision-comment'), 'hotfix for incident INC-42');
    click(approve);
    await flush();
    assert.deepEqual(api.writes()[0]!.args[2], { version: 1, override: { reason: 'hotfix for incident INC-42' } });
  });

  test('no gate report at all also needs an override', async () => {
    const api = new FakeApi();
    api.requests = [req({ gates: null })];
    await renderDialog(api);
    screen.getByTestId('gates-none');
    assert.equal(screen.getByTestId('decision-approve').textContent, 'Approve with override');
  });

  test('409 VERSION_CONFLICT: the backend message is shown, the request reloaded and its current state shown', async () => {
    const api = new FakeApi();
    const stale = req({ gates: passedGates });
    api.requests = [{ ...stale, state: 'approved', version: 2, decidedBy: 'user:default/carol' }];
    api.transitionErrors = [new GovernanceApiError('VERSION_CONFLICT', 'request changed: version is 2, you sent 1', 409, { current: { state: 'approved', version: 2 } })];
    const d = await renderDialog(api, stale);
    click(screen.getByTestId('decision-approve'));
    await flush();
    await flush();
    within(screen.getByTestId('governance-error')).getByText(/VERSION_CONFLICT: request changed: version is 2, you sent 1/);
    const reloaded = await screen.findByTestId('decision-reloaded');
    assert.match(reloaded.textContent!, /Approved, awaiting promotion \(version 2\), decided by carol/);
    assert.equal((screen.getByTestId('decision-approve') as HTMLButtonElement).disabled, true, 'nothing left to decide');
    assert.equal((d.changed.at(-1) as { version: number }).version, 2, 'the parent is told to refresh');
    assert.equal(d.closed(), 0);
  });

  test('403 SELF_APPROVAL and 422 GATES_NOT_PASSED show the backend message; new gates from the 422 switch to override', async () => {
    const api = new FakeApi();
    api.requests = [req({ gates: passedGates })];
    api.transitionErrors = [
      new GovernanceApiError('SELF_APPROVAL', 'user:default/bob requested this promotion and cannot approve it (separation of duties)', 403),
      new GovernanceApiError('GATES_NOT_PASSED', 'gates not passed: canary: failed', 422, { gates: failedGates }),
    ];
    await renderDialog(api);
    click(screen.getByTestId('decision-approve'));
    await flush();
    within(screen.getByTestId('governance-error')).getByText(/SELF_APPROVAL: .*separation of duties/);
    click(screen.getByTestId('decision-approve'));
    await flush();
    within(screen.getByTestId('governance-error')).getByText(/GATES_NOT_PASSED: gates not passed: canary: failed/);
    await waitFor(() => assert.equal(screen.getByTestId('decision-approve').textContent, 'Approve with override'));
  });

  test('a retry of the same action reuses its Idempotency-Key; a changed action gets a new one', async () => {
    const api = new FakeApi();
    api.requests = [req({ gates: passedGates })];
    api.transitionErrors = [new GovernanceApiError('NETWORK', 'unreachable'), new GovernanceApiError('NETWORK', 'unreachable')];
    await renderDialog(api);
    type(screen.getByTestId('decision-comment'), 'no');
    click(screen.getByTestId('decision-reject'));
    await flush();
    click(screen.getByTestId('decision-reject'));
    await flush();
    type(screen.getByTestId('decision-comment'), 'no, because of the changelog');
    click(screen.getByTestId('decision-reject'));
    await flush();
    const keys = api.writes().map((w) => w.key);
    assert.equal(keys.length, 3);
    assert.ok(keys[0]);
    assert.equal(keys[1], keys[0], 'retry: same key');
    assert.notEqual(keys[2], keys[0], 'different input: new key');
  });

  test('the requester sees the request but no approve / reject', async () => {
    const api = new FakeApi();
    api.requests = [req({ requestedBy: ALICE })];
    await renderDialog(api, api.requests[0], ALICE);
    screen.getByTestId('decision-self');
    assert.equal(screen.queryByTestId('decision-approve'), null);
    assert.equal(screen.queryByTestId('decision-reject'), null);
  });

  test('cancel / mark promoted: one transition with an optional comment', async () => {
    const api = new FakeApi();
    api.requests = [req({ state: 'approved' })];
    await renderDialog(api, api.requests[0], BOB, 'promote');
    click(screen.getByTestId('decision-promote'));
    await flush();
    assert.deepEqual(api.writes()[0]!.args.slice(1), ['promote', { version: 1 }]);
  });

  test('hostile request comment and decision reason are text, long text wraps', async () => {
    const api = new FakeApi();
    const long = 'x'.repeat(3000);
    api.requests = [req({ comment: `${HOSTILE} ${long}`, decidedBy: 'user:default/carol', decisionReason: HOSTILE, state: 'approved' })];
    const { baseElement } = await renderDialog(api, api.requests[0], BOB, 'promote');
    const comment = screen.getByTestId('decision-request-comment');
    assert.equal(comment.textContent, `${HOSTILE} ${long}`);
    assert.equal(comment.style.overflowWrap, 'anywhere');
    screen.getByText(HOSTILE);
    assert.equal(baseElement.querySelector('img'), null);
  });
});

void HOUR;
