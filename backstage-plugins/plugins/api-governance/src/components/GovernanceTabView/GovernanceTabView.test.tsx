/**
 * The Governance tab: the card and the history (audit trail, recorded events) stay in step. Every action
 * taken on the page (request, approve, reject, override, cancel, promote, rollback) is followed by a fresh
 * history, without reloading the page.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { GovernanceTabView } from './GovernanceTabView';
import { FakeApi, NOW, failedGates } from '../../testUtils/fixtures';
import { renderWithPermissions } from '../../testUtils/permission-fixtures';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const type = (el: Element, value: string) => act(() => void fireEvent.change(el, { target: { value } }));
const permissionsChecked = () => waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));

/** What the history shows: the audit entries' actions and the events' types, newest first. */
function history() {
  return {
    audit: screen.queryAllByTestId('timeline-entry').map((e) => e.getAttribute('data-action')),
    events: screen.queryAllByTestId('event').map((e) => e.querySelector('.MuiTypography-subtitle2')?.textContent?.replace('api-governance.promotion.', '')),
  };
}

// By selector, not by role: role queries compute styles of the whole page, which is slow in jsdom.
const openDialog = () => document.querySelector<HTMLElement>('[role="dialog"]');

/** Opens a card action's dialog and confirms it (with a comment when given). */
async function confirm(cardButton: string, dialogButton: string, comment?: string) {
  await permissionsChecked();
  click(screen.getByTestId(cardButton));
  const dialog = await waitFor(() => openDialog() ?? assert.fail('no dialog'));
  await permissionsChecked();
  if (comment) type(within(dialog).getByTestId(dialogButton === 'request-submit' ? 'request-comment' : 'decision-comment'), comment);
  click(within(dialog).getByTestId(dialogButton));
  await waitFor(() => assert.ok(!openDialog(), 'the dialog closed'));
}

test('history and events refresh after every action on the tab (request, approve, promote, rollback, reject, cancel, override)', async () => {
  const api = new FakeApi();
  api.environments = ['staging', 'production'];
  renderWithPermissions(<GovernanceTabView api={api} entityRef="api:default/orders" entityTitle="Orders API" currentUser="user:default/bob" now={NOW} />);
  await screen.findByTestId('timeline-empty');
  await screen.findByTestId('events-empty');

  const steps: Array<[string, string, string | undefined, string, string]> = [
    ['card-request', 'request-submit', 'v2.4', 'create', 'requested'],
    ['card-approve', 'decision-approve', undefined, 'approve', 'approved'],
    ['card-promote', 'decision-promote', 'deployed', 'promote', 'promoted'],
    ['card-rollback', 'decision-rollback', 'error spike', 'rollback', 'rolled_back'],
    ['card-request', 'request-submit', undefined, 'create', 'requested'],
    ['card-reject', 'decision-reject', 'changelog missing', 'reject', 'rejected'],
    ['card-request', 'request-submit', undefined, 'create', 'requested'],
    ['card-cancel', 'decision-cancel', undefined, 'cancel', 'cancelled'],
  ];
  const seen = { audit: [] as string[], events: [] as string[] };
  for (const [cardButton, dialogButton, comment, action, topic] of steps) {
    await confirm(cardButton, dialogButton, comment);
    seen.audit.unshift(action);
    seen.events.unshift(topic);
    await waitFor(() => assert.deepEqual(history(), seen, `after ${cardButton} → ${dialogButton}`));
  }

  // An override: the gates of the next request do not pass; approving needs a reason and is flagged.
  api.createGates = failedGates;
  await confirm('card-request', 'request-submit');
  await confirm('card-approve', 'decision-approve', 'hotfix for INC-42');
  seen.audit.unshift('create');
  seen.audit.unshift('approve');
  seen.events.unshift('requested');
  seen.events.unshift('approved');
  await waitFor(() => assert.deepEqual(history(), seen, 'after the override'));
  const newest = screen.getAllByTestId('timeline-entry')[0]!;
  within(newest).getByTestId('timeline-override');
  assert.equal(within(newest).getByTestId('timeline-reason').textContent, 'override: hotfix for INC-42');
  // The page was never reloaded: the history was fetched again after each of the ten writes.
  assert.equal(api.writes().length, 10);
  assert.ok(api.calls.filter((c) => c.method === 'listEvents').length >= 11, 'events re-read after every write');
});
