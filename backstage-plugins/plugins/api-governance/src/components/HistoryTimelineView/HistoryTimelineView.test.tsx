import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { cleanup, render, screen, within } from '@testing-library/react';
import { HistoryTimeline, HistoryTimelineView } from './HistoryTimelineView';
import { FakeApi, HOSTILE, HOUR, MIN, ago, failedGates, passedGates, req } from '../../testUtils/fixtures';
import type { AuditEntry } from '@api-observatory/backstage-plugin-api-governance-common';

afterEach(() => cleanup());

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
