/**
 * The actions offered by role: the card, the decision dialog and the inbox ask the permission API
 * (usePermission, resourceRef = the API entity ref) and enable, disable (with the reason) or hide each
 * action accordingly; the backend's 403 stays the fallback.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { GovernanceApiError } from '../api/client';
import { ApprovalsInboxView, type EntityInfo } from '../components/ApprovalsInboxView';
import { DecisionDialog } from '../components/DecisionDialog';
import { GovernanceCardView } from '../components/GovernanceCardView';
import { CHECKING_REASON } from './useGovernancePermissions';
import { DAY, FakeApi, HOUR, NOW, ago, failedGates, passedGates, req } from '../testUtils/fixtures';
import { FakePermissionApi, ROLES, renderWithPermissions, type Grant } from '../testUtils/permission-fixtures';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const type = (el: Element, value: string) => act(() => void fireEvent.change(el, { target: { value } }));
const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));
const permissionsChecked = () => waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));

const ORDERS = 'api:default/orders';
/** The requester of the open requests: another owner than the signed-in users below. */
const REQUESTER = 'user:default/olivia.orders';
const USERS = {
  owner: 'user:default/emma.orders',
  productManager: 'user:default/carla.pm',
  productLead: 'user:default/deepak.pm',
  stranger: 'user:default/frank',
} as const;
type Role = keyof typeof USERS;
const ROLE_NAMES = Object.keys(USERS) as Role[];

const APPROVE_DENIED = "Only product managers of this API's system can approve";
const REJECT_DENIED = "Only product managers of this API's system can reject";
const CANCEL_DENIED = 'Only the requester or owners of this API can cancel the request';
const CREATE_DENIED = 'Only owners of this API can request a promotion';
const PROMOTE_DENIED = "Only product managers of this API's system can mark it promoted";
const ROLLBACK_DENIED = "Only product managers of this API's system can mark it rolled back";
const ALREADY_OPEN = 'A request is already open for this API';

/** A button as the user meets it: absent, enabled, or disabled with its tooltip. */
function button(testId: string, scope: HTMLElement = document.body): string {
  const b = within(scope).queryByTestId(testId) as HTMLButtonElement | null;
  if (!b) return 'absent';
  if (!b.disabled) return 'enabled';
  const reason = b.getAttribute('data-disabled-reason');
  // The tooltip's wrapper carries the same text as its (native) title while the tooltip is closed.
  if (reason) assert.equal(b.parentElement?.getAttribute('title'), reason, `${testId}: the tooltip says why`);
  return `disabled: ${reason ?? '(no reason)'}`;
}

function states(testIds: string[], scope?: HTMLElement): Record<string, string> {
  return Object.fromEntries(testIds.map((id) => [id, button(id, scope)]));
}

async function renderCard(role: Role, requests: PromotionRequest[], permissionApi = new FakePermissionApi(ROLES[role])) {
  const api = new FakeApi();
  api.requests = requests;
  renderWithPermissions(<GovernanceCardView api={api} entityRef={ORDERS} entityTitle="Orders API" currentUser={USERS[role]} now={NOW} />, permissionApi);
  await screen.findByTestId(requests.some((r) => r.state === 'requested' || r.state === 'approved') ? 'governance-open-request' : 'governance-no-open-request');
  await permissionsChecked();
  return { api, permissionApi };
}

describe('card actions by role', () => {
  const CARD_REQUESTED = ['card-approve', 'card-reject', 'card-cancel', 'card-request'];
  const expectedRequested: Record<Role, Record<string, string>> = {
    owner: {
      'card-approve': `disabled: ${APPROVE_DENIED}`,
      'card-reject': `disabled: ${REJECT_DENIED}`,
      'card-cancel': 'enabled',
      'card-request': `disabled: ${ALREADY_OPEN}`,
    },
    productManager: { 'card-approve': 'enabled', 'card-reject': 'enabled', 'card-cancel': `disabled: ${CANCEL_DENIED}`, 'card-request': `disabled: ${CREATE_DENIED}` },
    productLead: { 'card-approve': 'enabled', 'card-reject': 'enabled', 'card-cancel': `disabled: ${CANCEL_DENIED}`, 'card-request': `disabled: ${CREATE_DENIED}` },
    stranger: {
      'card-approve': `disabled: ${APPROVE_DENIED}`,
      'card-reject': `disabled: ${REJECT_DENIED}`,
      'card-cancel': `disabled: ${CANCEL_DENIED}`,
      'card-request': `disabled: ${CREATE_DENIED}`,
    },
  };
  for (const role of ROLE_NAMES) {
    test(`${role}: a request awaiting decision`, async () => {
      const { permissionApi } = await renderCard(role, [req({ requestedBy: REQUESTER })]);
      assert.deepEqual(states(CARD_REQUESTED), expectedRequested[role]);
      // Each check names the API entity as the resource.
      assert.ok(permissionApi.requests.length >= 7);
      for (const r of permissionApi.requests) assert.equal('resourceRef' in r ? r.resourceRef : undefined, ORDERS, r.permission.name);
      assert.deepEqual(
        [...new Set(permissionApi.requests.map((r) => r.permission.name))].sort(),
        ['approve', 'cancel', 'create', 'override', 'promote', 'reject', 'rollback'].map((a) => `api-governance.promotion.${a}`),
      );
    });
  }

  const expectedApproved: Record<Role, string> = {
    owner: `disabled: ${PROMOTE_DENIED}`,
    productManager: 'enabled',
    productLead: 'enabled',
    stranger: `disabled: ${PROMOTE_DENIED}`,
  };
  const expectedPromoted: Record<Role, Record<string, string>> = {
    owner: { 'card-request': 'enabled', 'card-rollback': `disabled: ${ROLLBACK_DENIED}` },
    productManager: { 'card-request': `disabled: ${CREATE_DENIED}`, 'card-rollback': 'enabled' },
    productLead: { 'card-request': `disabled: ${CREATE_DENIED}`, 'card-rollback': 'enabled' },
    stranger: { 'card-request': `disabled: ${CREATE_DENIED}`, 'card-rollback': `disabled: ${ROLLBACK_DENIED}` },
  };
  for (const role of ROLE_NAMES) {
    test(`${role}: an approved request (Mark promoted); the last promotion (Request promotion, Mark rolled back)`, async () => {
      await renderCard(role, [req({ state: 'approved', requestedBy: REQUESTER, decidedBy: USERS.productManager })]);
      assert.equal(button('card-promote'), expectedApproved[role]);
      assert.equal(button('card-approve'), 'absent');
      cleanup();
      await renderCard(role, [req({ state: 'promoted', fromEnvironment: 'dev', toEnvironment: 'staging', requestedBy: REQUESTER, updatedAt: ago(DAY) })]);
      assert.deepEqual(states(['card-request', 'card-rollback']), expectedPromoted[role]);
    });
  }

  test('the requester (an owner) is offered no approve / reject, whatever the policy says, and may cancel without the cancel permission', async () => {
    await renderCard('owner', [req({ requestedBy: USERS.owner })], new FakePermissionApi([...ROLES.all].filter((g) => g !== 'cancel') as Grant[]));
    assert.deepEqual(states(['card-approve', 'card-reject', 'card-cancel']), { 'card-approve': 'absent', 'card-reject': 'absent', 'card-cancel': 'enabled' });
    screen.getByTestId('card-self-note');
  });

  test('while the permissions are checked every action is shown disabled ("Checking your permissions…"); none disappears afterwards', async () => {
    for (const [role, after] of [
      ['productManager', { 'card-approve': 'enabled', 'card-reject': 'enabled', 'card-cancel': `disabled: ${CANCEL_DENIED}` }],
      ['stranger', { 'card-approve': `disabled: ${APPROVE_DENIED}`, 'card-reject': `disabled: ${REJECT_DENIED}`, 'card-cancel': `disabled: ${CANCEL_DENIED}` }],
    ] as const) {
      const permissionApi = new FakePermissionApi(ROLES[role]).hold();
      const api = new FakeApi();
      api.requests = [req({ requestedBy: REQUESTER })];
      renderWithPermissions(<GovernanceCardView api={api} entityRef={ORDERS} entityTitle="Orders API" currentUser={USERS[role]} now={NOW} />, permissionApi);
      await screen.findByTestId('governance-open-request');
      await flush();
      const ids = ['card-approve', 'card-reject', 'card-cancel'];
      assert.deepEqual(states(ids), Object.fromEntries(ids.map((id) => [id, `disabled: ${CHECKING_REASON}`])), role);
      assert.equal(screen.getByTestId('card-approve').getAttribute('data-permission'), 'loading');
      await act(async () => permissionApi.release());
      await permissionsChecked();
      assert.deepEqual(states(ids), after, role);
      cleanup();
    }
  });

  test('while the signed-in user is resolved Approve / Reject are not shown yet (they never appear then vanish for the requester)', async () => {
    const api = new FakeApi();
    api.requests = [req({ requestedBy: REQUESTER })];
    const permissionApi = new FakePermissionApi(ROLES.productManager);
    renderWithPermissions(<GovernanceCardView api={api} entityRef={ORDERS} entityTitle="Orders API" currentUserLoading now={NOW} />, permissionApi);
    await screen.findByTestId('governance-open-request');
    // The permissions are answered (Request promotion is decided) but the user is not known yet.
    await waitFor(() => assert.equal(button('card-request'), `disabled: ${CREATE_DENIED}`));
    assert.deepEqual(states(['card-approve', 'card-reject', 'card-cancel']), { 'card-approve': 'absent', 'card-reject': 'absent', 'card-cancel': `disabled: ${CHECKING_REASON}` });
  });

  test('a failed permission check disables the action and says so', async () => {
    const permissionApi = new FakePermissionApi(ROLES.productManager);
    permissionApi.authorize = async () => {
      throw new Error('permission backend unreachable');
    };
    await renderCard('productManager', [req({ requestedBy: REQUESTER })], permissionApi);
    await waitFor(() => assert.equal(button('card-approve'), 'disabled: Could not check your permissions: permission backend unreachable'));
  });
});

async function renderDecision(role: Role, request: PromotionRequest, mode: 'decide' | 'cancel' | 'promote' | 'rollback' = 'decide') {
  const api = new FakeApi();
  api.requests = [request];
  const permissionApi = new FakePermissionApi(ROLES[role]);
  const changed: PromotionRequest[] = [];
  renderWithPermissions(
    <DecisionDialog open api={api} request={request} currentUser={USERS[role]} mode={mode} entityTitle="Orders API" onClose={() => undefined} onChanged={(r) => changed.push(r)} />,
    permissionApi,
  );
  await permissionsChecked();
  return { api, permissionApi, dialog: screen.getByRole('dialog'), changed };
}

describe('decision dialog by role', () => {
  const OVERRIDE_DENIED = 'Not every required gate has passed: approving is an override, which needs the override permission (product leads)';

  const expectedOverride: Record<Role, { approve: string; label: string; reject: string; comment: boolean; canOverride: string }> = {
    owner: { approve: `disabled: ${APPROVE_DENIED}`, label: 'Approve', reject: `disabled: ${REJECT_DENIED}`, comment: false, canOverride: 'false' },
    productManager: { approve: `disabled: ${OVERRIDE_DENIED}`, label: 'Approve', reject: 'enabled', comment: true, canOverride: 'false' },
    productLead: { approve: 'enabled', label: 'Approve with override', reject: 'enabled', comment: true, canOverride: 'true' },
    stranger: { approve: `disabled: ${APPROVE_DENIED}`, label: 'Approve', reject: `disabled: ${REJECT_DENIED}`, comment: false, canOverride: 'false' },
  };
  for (const role of ROLE_NAMES) {
    test(`${role}: gates not passed: "Approve with override" only with the override permission`, async () => {
      const { dialog } = await renderDecision(role, req({ requestedBy: REQUESTER, gates: failedGates }));
      const e = expectedOverride[role];
      assert.deepEqual(
        {
          approve: button('decision-approve', dialog),
          label: within(dialog).getByTestId('decision-approve').textContent,
          reject: button('decision-reject', dialog),
          comment: !!within(dialog).queryByTestId('decision-comment'),
          canOverride: within(dialog).getByTestId('decision-override-notice').getAttribute('data-can-override'),
        },
        e,
      );
      if (role === 'productManager' || role === 'owner' || role === 'stranger') {
        assert.equal(within(dialog).queryByText('Approve with override'), null);
      }
    });
  }

  test('product manager: every required gate passed: a plain Approve, enabled; a backend 403 is still shown (the backend decides)', async () => {
    const { api, dialog } = await renderDecision('productManager', req({ requestedBy: REQUESTER, gates: passedGates }));
    assert.deepEqual(states(['decision-approve', 'decision-reject'], dialog), { 'decision-approve': 'enabled', 'decision-reject': 'enabled' });
    assert.equal(within(dialog).getByTestId('decision-approve').textContent, 'Approve');
    api.transitionErrors = [new GovernanceApiError('FORBIDDEN', 'user:default/carla.pm may not approve promotions of api:default/orders', 403)];
    click(within(dialog).getByTestId('decision-approve'));
    await flush();
    const err = within(dialog).getByTestId('governance-error');
    assert.equal(err.getAttribute('data-code'), 'FORBIDDEN');
    within(err).getByText(/may not approve promotions of api:default\/orders/);
  });

  test('product manager: a 422 turning the gates to not passed disables Approve (no override permission)', async () => {
    const { api, dialog } = await renderDecision('productManager', req({ requestedBy: REQUESTER, gates: passedGates }));
    api.transitionErrors = [new GovernanceApiError('GATES_NOT_PASSED', 'gates not passed: canary: failed', 422, { gates: failedGates })];
    click(within(dialog).getByTestId('decision-approve'));
    await flush();
    await waitFor(() => assert.equal(button('decision-approve', dialog), `disabled: ${OVERRIDE_DENIED}`));
    assert.equal(within(dialog).getByTestId('decision-approve').textContent, 'Approve');
  });

  test('product lead: approves with override and a reason', async () => {
    const { api, dialog } = await renderDecision('productLead', req({ requestedBy: REQUESTER, gates: failedGates }));
    type(within(dialog).getByTestId('decision-comment'), 'canary has no data; SLO checked by hand');
    click(within(dialog).getByTestId('decision-approve'));
    await flush();
    assert.deepEqual(api.writes()[0]!.args[2], { version: 1, override: { reason: 'canary has no data; SLO checked by hand' } });
  });

  const expectedTransitions: Record<Role, Record<string, string>> = {
    owner: { cancel: 'enabled', promote: `disabled: ${PROMOTE_DENIED}`, rollback: `disabled: ${ROLLBACK_DENIED}` },
    productManager: { cancel: `disabled: ${CANCEL_DENIED}`, promote: 'enabled', rollback: 'enabled' },
    productLead: { cancel: `disabled: ${CANCEL_DENIED}`, promote: 'enabled', rollback: 'enabled' },
    stranger: { cancel: `disabled: ${CANCEL_DENIED}`, promote: `disabled: ${PROMOTE_DENIED}`, rollback: `disabled: ${ROLLBACK_DENIED}` },
  };
  for (const role of ROLE_NAMES) {
    test(`${role}: cancel / mark promoted / mark rolled back`, async () => {
      const out: Record<string, string> = {};
      for (const [mode, state] of [['cancel', 'requested'], ['promote', 'approved'], ['rollback', 'promoted']] as const) {
        const { dialog } = await renderDecision(role, req({ requestedBy: REQUESTER, state }), mode);
        out[mode] = button(`decision-${mode}`, dialog);
        cleanup();
      }
      assert.deepEqual(out, expectedTransitions[role]);
    });
  }
});

describe('inbox by role', () => {
  const ENTITIES: Record<string, EntityInfo> = {
    'api:default/orders': { title: 'Orders API', system: 'commerce', owner: 'group:default/orders-team' },
    'api:default/payments': { title: 'Payments API', system: 'payments', owner: 'group:default/payments-team' },
    'api:default/shipping': { title: 'Shipping API', system: 'commerce', owner: 'group:default/orders-team' },
  };
  function inbox(role: Role | FakePermissionApi) {
    const api = new FakeApi();
    api.requests = [
      req({ entityRef: 'api:default/orders', requestedBy: REQUESTER, requestedAt: ago(2 * HOUR) }),
      req({ entityRef: 'api:default/payments', requestedBy: REQUESTER, requestedAt: ago(3 * HOUR) }),
      req({ entityRef: 'api:default/shipping', requestedBy: REQUESTER, requestedAt: ago(HOUR), state: 'approved' }),
    ];
    const permissionApi = typeof role === 'string' ? new FakePermissionApi(ROLES[role]) : role;
    renderWithPermissions(
      <ApprovalsInboxView
        api={api}
        currentUser={typeof role === 'string' ? USERS[role] : USERS.productManager}
        now={NOW}
        loadEntities={async (refs) => Object.fromEntries(refs.map((r) => [r, ENTITIES[r]!]))}
      />,
      permissionApi,
    );
    return permissionApi;
  }
  async function rows() {
    await screen.findAllByTestId('inbox-row');
    await choose('All open');
    await permissionsChecked();
    return Object.fromEntries(
      screen.getAllByTestId('inbox-row').map((r) => {
        const title = within(r).getByText(/API$/).textContent!;
        const id = within(r).queryByTestId('inbox-review') ? 'inbox-review' : 'inbox-promote';
        return [title, `${within(r).getByTestId(id).textContent} ${button(id, r)}`];
      }),
    );
  }
  async function choose(option: string) {
    const input = screen.getByTestId('filter-state');
    act(() => void fireEvent.mouseDown(input.parentElement!.querySelector('[role="button"]')!));
    click(within(await screen.findByRole('listbox')).getByText(option));
    await flush();
  }

  const REVIEW_DENIED = "Only product managers of this API's system can approve or reject";
  const expected: Record<Role, Record<string, string>> = {
    owner: { 'Payments API': `Review disabled: ${REVIEW_DENIED}`, 'Orders API': `Review disabled: ${REVIEW_DENIED}`, 'Shipping API': `Mark promoted disabled: ${PROMOTE_DENIED}` },
    productManager: { 'Payments API': 'Review enabled', 'Orders API': 'Review enabled', 'Shipping API': 'Mark promoted enabled' },
    productLead: { 'Payments API': 'Review enabled', 'Orders API': 'Review enabled', 'Shipping API': 'Mark promoted enabled' },
    stranger: { 'Payments API': `Review disabled: ${REVIEW_DENIED}`, 'Orders API': `Review disabled: ${REVIEW_DENIED}`, 'Shipping API': `Mark promoted disabled: ${PROMOTE_DENIED}` },
  };
  for (const role of ROLE_NAMES) {
    test(`${role}: Review follows approve / reject, Mark promoted follows promote, per row`, async () => {
      inbox(role);
      assert.deepEqual(await rows(), expected[role]);
    });
  }

  test('per row: a product manager of the commerce system reviews its APIs only (resourceRef = each row\'s API)', async () => {
    const commerce = new Set(['api:default/orders', 'api:default/shipping']);
    const permissionApi = inbox(new FakePermissionApi((grant, ref) => ['approve', 'reject', 'promote'].includes(grant) && commerce.has(ref ?? '')));
    assert.deepEqual(await rows(), { 'Payments API': `Review disabled: ${REVIEW_DENIED}`, 'Orders API': 'Review enabled', 'Shipping API': 'Mark promoted enabled' });
    const asked = new Set(permissionApi.requests.map((r) => `${r.permission.name.replace('api-governance.promotion.', '')} ${'resourceRef' in r ? r.resourceRef : ''}`));
    for (const x of ['approve api:default/payments', 'reject api:default/payments', 'approve api:default/orders', 'promote api:default/shipping']) assert.ok(asked.has(x), x);
  });

  test('reject only (no approve) is enough to review', async () => {
    inbox(new FakePermissionApi(['reject']));
    const out = await rows();
    assert.equal(out['Orders API'], 'Review enabled');
    click(within(screen.getAllByTestId('inbox-row').find((r) => within(r).queryByText('Orders API'))!).getByTestId('inbox-review'));
    const dialog = await screen.findByRole('dialog');
    await permissionsChecked();
    assert.deepEqual(states(['decision-approve', 'decision-reject'], dialog), { 'decision-approve': `disabled: ${APPROVE_DENIED}`, 'decision-reject': 'enabled' });
  });
});
