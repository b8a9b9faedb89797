/**
 * What the views show does not shift under the user: one wording for gates that are not required, no
 * button or label that changes once the permission check answers, and burn-rate windows in one order.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { GateReport } from '@api-observatory/backstage-plugin-api-governance-common';
import { ApprovalsInboxView } from './ApprovalsInboxView';
import { DecisionDialog } from './DecisionDialog';
import { GovernanceCardView } from './GovernanceCardView';
import { HistoryTimelineView } from './HistoryTimelineView';
import { CHECKING_REASON } from '../hooks/useGovernancePermissions';
import { FakeApi, HOUR, NOW, ago, failedGates, req } from '../testUtils/fixtures';
import { FakePermissionApi, ROLES, renderWithPermissions } from '../testUtils/permission-fixtures';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));
const permissionsChecked = () => waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));

const REQUESTER = 'user:default/olivia.orders';
const ORDERS = 'api:default/orders';

describe('one wording for gates that are not required', () => {
  const notRequired = /slo: unknown \(not required\)/;
  const gateTexts = () => [...document.querySelectorAll('[data-testid="gates"] [data-gate="slo"]')].map((g) => g.textContent ?? '');

  test('inbox, card and decision dialog all say "(not required)"; none says "(optional)"', async () => {
    const api = new FakeApi();
    api.requests = [req({ requestedBy: REQUESTER, gates: failedGates })];
    renderWithPermissions(<ApprovalsInboxView api={api} currentUser="user:default/bob" now={NOW} loadEntities={async () => ({})} />);
    await screen.findByTestId('inbox-row');
    const views: Record<string, string[]> = { inbox: gateTexts() };
    cleanup();
    renderWithPermissions(<GovernanceCardView api={api} entityRef={ORDERS} entityTitle="Orders API" currentUser="user:default/bob" now={NOW} />);
    await screen.findByTestId('governance-open-request');
    views.card = gateTexts();
    cleanup();
    renderWithPermissions(<DecisionDialog open api={api} mode="decide" request={api.requests[0]!} currentUser="user:default/bob" onClose={() => undefined} onChanged={() => undefined} />);
    await permissionsChecked();
    views.dialog = gateTexts();
    for (const [view, texts] of Object.entries(views)) {
      assert.equal(texts.length, 1, view);
      assert.match(texts[0]!, notRequired, view);
    }
    // The required gates carry no qualifier at all.
    assert.doesNotMatch(document.body.textContent ?? '', /\(optional\)/);
  });
});

/** Every distinct state of the dialog's decision controls seen while it is open (a MutationObserver's snapshots). */
function watchDecisionControls() {
  const seen = new Set<string>();
  const snapshot = () => {
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
    const label = document.querySelector('[data-testid="decision-comment"]')?.closest('.MuiFormControl-root')?.querySelector('label')?.textContent ?? null;
    return { approve: text('decision-approve'), reject: text('decision-reject'), notice: text('decision-override-notice'), comment: label };
  };
  const record = () => seen.add(JSON.stringify(snapshot()));
  const observer = new MutationObserver(record);
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  return {
    record,
    stop: () => observer.disconnect(),
    /** The values a control took on while it was shown (absent excluded). */
    values: (key: 'approve' | 'reject' | 'notice' | 'comment') => [...new Set([...seen].map((s) => JSON.parse(s)[key] as string | null).filter((v): v is string => v !== null))],
  };
}

describe('the decision dialog does not relabel once the permission check answers', () => {
  for (const [role, final] of [
    ['productLead', { approve: 'Approve with override', notice: /it is audited/ }],
    ['productManager', { approve: 'Approve', notice: /you do not have it/ }],
  ] as const) {
    test(`${role}: while checking, a disabled placeholder and no actions; then the checked controls, each with one label`, async () => {
      const permissionApi = new FakePermissionApi(ROLES[role]).hold();
      const api = new FakeApi();
      api.requests = [req({ requestedBy: REQUESTER, gates: failedGates })];
      const watch = watchDecisionControls();
      renderWithPermissions(<DecisionDialog open api={api} mode="decide" request={api.requests[0]!} currentUser="user:default/x" onClose={() => undefined} onChanged={() => undefined} />, permissionApi);
      await flush();
      watch.record();
      const dialog = screen.getByRole('dialog');
      // Still checking: the request and its gates are shown, the decision controls are not.
      within(dialog).getByTestId('gates');
      const placeholder = within(dialog).getByTestId('decision-checking');
      assert.equal(placeholder.getAttribute('data-permission'), 'loading');
      assert.match(placeholder.textContent ?? '', new RegExp(CHECKING_REASON));
      assert.equal(within(dialog).queryByTestId('decision-approve'), null);
      assert.equal(within(dialog).queryByTestId('decision-reject'), null);
      assert.equal(within(dialog).queryByTestId('decision-override-notice'), null);
      assert.equal(within(dialog).queryByTestId('decision-comment'), null);

      await act(async () => permissionApi.release());
      await permissionsChecked();
      watch.record();
      watch.stop();
      assert.equal(within(dialog).queryByTestId('decision-checking'), null);
      assert.deepEqual(watch.values('approve'), [final.approve], 'the approve button had one label');
      assert.deepEqual(watch.values('reject'), ['Reject']);
      assert.equal(watch.values('notice').length, 1, `one override notice: ${watch.values('notice').join(' | ')}`);
      assert.match(watch.values('notice')[0]!, final.notice);
      assert.equal(watch.values('comment').length, 1, `one comment label: ${watch.values('comment').join(' | ')}`);
    });
  }

  test('mark promoted: the action appears once checked, with its final label', async () => {
    const permissionApi = new FakePermissionApi(ROLES.productManager).hold();
    const api = new FakeApi();
    api.requests = [req({ requestedBy: REQUESTER, state: 'approved' })];
    renderWithPermissions(<DecisionDialog open api={api} mode="promote" request={api.requests[0]!} currentUser="user:default/x" onClose={() => undefined} onChanged={() => undefined} />, permissionApi);
    await flush();
    screen.getByTestId('decision-checking');
    assert.equal(screen.queryByTestId('decision-promote'), null);
    await act(async () => permissionApi.release());
    await permissionsChecked();
    const promote = screen.getByTestId('decision-promote') as HTMLButtonElement;
    assert.equal(promote.disabled, false);
    assert.equal(promote.textContent, 'Mark promoted');
  });

  test('opened from the inbox, the dialog shows its checked state at once (the row checked the override permission too)', async () => {
    const api = new FakeApi();
    api.requests = [req({ requestedBy: REQUESTER, gates: failedGates })];
    const permissionApi = new FakePermissionApi(ROLES.productLead);
    renderWithPermissions(<ApprovalsInboxView api={api} currentUser="user:default/deepak.pm" now={NOW} loadEntities={async () => ({})} />, permissionApi);
    await screen.findByTestId('inbox-row');
    await permissionsChecked();
    click(screen.getByTestId('inbox-review'));
    const dialog = screen.getByRole('dialog');
    assert.equal(within(dialog).queryByTestId('decision-checking'), null, 'no placeholder: the answers are cached');
    assert.equal(within(dialog).getByTestId('decision-approve').textContent, 'Approve with override');
  });

  test("inbox: the requester's own row never shows Review first and View later while the user is resolved", async () => {
    const api = new FakeApi();
    api.requests = [req({ requestedBy: REQUESTER })];
    const labels = new Set<string>();
    const observer = new MutationObserver(() => {
      const b = document.querySelector('[data-testid="inbox-review"]');
      if (b) labels.add(b.textContent ?? '');
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const view = (props: { currentUser?: string; currentUserLoading?: boolean }) => (
      <ApprovalsInboxView api={api} {...props} now={NOW} loadEntities={async () => ({})} />
    );
    const { rerender } = renderWithPermissions(view({ currentUserLoading: true }), new FakePermissionApi(ROLES.owner));
    await screen.findByTestId('inbox-row');
    await flush();
    rerender(view({ currentUser: REQUESTER }));
    await permissionsChecked();
    await flush();
    observer.disconnect();
    assert.equal(screen.getByTestId('inbox-review').textContent, 'View');
    assert.deepEqual([...labels].filter((l) => l), ['View']);
  });
});

describe('burn-rate windows: shortest first, SLIs by name', () => {
  test('the raw evidence of the SLO gate lists the windows 5m, 30m, 1h, 6h, 3d whatever order it was stored in', () => {
    const rates = (x: number) => ({ '1h': x, '3d': x, '5m': x, '6h': x, '30m': x });
    const slo: GateReport = {
      passed: true,
      gates: [
        {
          gate: 'slo',
          status: 'passed',
          required: false,
          summary: 'latency 1h 0.1×',
          evaluatedAt: ago(HOUR),
          evidence: { api: 'orders', burnRates: { latency: rates(0.1), availability: rates(0.2) }, queries: { '6h': 'q6h', '5m': 'q5m', '3d': 'q3d', '1h': 'q1h', '30m': 'q30m' }, tiers: [], firing: [] },
        },
      ],
    };
    const r = req();
    render(<HistoryTimelineView entries={[{ request: r, entry: { id: 1, requestId: r.id, actor: 'user:default/alice', at: ago(HOUR), action: 'create', fromState: null, toState: 'requested', reason: null, override: false, evidence: slo } }]} events={[]} />);
    const raw = screen.getByTestId('timeline-entry').querySelector('details pre');
    const [gate] = JSON.parse(raw?.textContent ?? '[]') as Array<{ evidence: { burnRates: Record<string, Record<string, number>>; queries: Record<string, string> } }>;
    assert.deepEqual(Object.keys(gate!.evidence.burnRates), ['availability', 'latency']);
    for (const sli of ['availability', 'latency']) assert.deepEqual(Object.keys(gate!.evidence.burnRates[sli]!), ['5m', '30m', '1h', '6h', '3d'], sli);
    assert.deepEqual(Object.keys(gate!.evidence.queries), ['5m', '30m', '1h', '6h', '3d']);
  });
});
