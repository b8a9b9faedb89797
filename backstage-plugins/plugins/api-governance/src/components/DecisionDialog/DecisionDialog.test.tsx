import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DecisionDialog } from './DecisionDialog';
import { GovernanceApiError } from '../../api/client';
import { FakeApi, HOSTILE, HOUR, failedGates, passedGates, req } from '../../testUtils/fixtures';
import { FakePermissionApi, renderWithPermissions as render } from '../../testUtils/permission-fixtures';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const type = (el: Element, value: string) => act(() => void fireEvent.change(el, { target: { value } }));
const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** No button waits for a permission check any more. */
const permissionsChecked = () => waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));

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
