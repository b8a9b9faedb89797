/**
 * Gates are shown by the titles and descriptions of the backend's gate registry (`GET /gates`), and by
 * their name when the registry does not list them.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { GateInfo, GateReport } from '@api-observatory/backstage-plugin-api-governance-common';
import { GateList } from './GateList';
import { ApprovalsInboxView } from '../ApprovalsInboxView';
import { GovernanceCardView } from '../GovernanceCardView';
import { HistoryTimeline } from '../HistoryTimelineView';
import { FakeApi, HOSTILE, HOUR, NOW, ago, req } from '../../testUtils/fixtures';
import { renderWithPermissions } from '../../testUtils/permission-fixtures';

afterEach(() => cleanup());

const info = (name: string, title: string, description: string): GateInfo => ({ name, title, description, requiredByDefault: true, requirableIn: { environments: null, tiers: null } });
const REGISTRY: GateInfo[] = [
  info('definition', 'API definition', 'The API definition passes the catalog validator without errors.'),
  info('canary', 'Canary verdict', 'The canary judge reads promote, with conclusive evidence.'),
  info('slo', 'SLO burn rate', 'The SLO error budget is not burning.'),
];
const BY_NAME = Object.fromEntries(REGISTRY.map((g) => [g.name, g]));

const report: GateReport = {
  passed: false,
  gates: [
    { gate: 'definition', status: 'passed', required: true, summary: 'no validation errors', evidence: {}, evaluatedAt: ago(HOUR) },
    { gate: 'slo', status: 'unknown', required: false, summary: 'no Prometheus configured', evidence: {}, evaluatedAt: ago(HOUR) },
    { gate: HOSTILE, status: 'failed', required: true, summary: 'a gate the registry no longer lists', evidence: {}, evaluatedAt: ago(HOUR) },
    { gate: 'constructor', status: 'passed', required: false, summary: 'a name that is also an object property', evidence: {}, evaluatedAt: ago(HOUR) },
  ],
};

const rows = () => screen.getAllByRole('listitem');
const titleOf = (li: HTMLElement) => within(li).getByTestId('gate-title');

describe('gate list', () => {
  test("full list: each gate by its registry title, its description as the title's tooltip and as a line; an unlisted gate by its name, as text", () => {
    render(<GateList gates={report} info={BY_NAME} />);
    const [definition, slo, hostile, ctor] = rows();
    assert.equal(definition!.getAttribute('data-gate'), 'definition');
    assert.equal(titleOf(definition!).textContent, 'API definition');
    assert.equal(titleOf(definition!).getAttribute('title'), BY_NAME.definition!.description);
    assert.equal(within(definition!).getByTestId('gate-description').textContent, BY_NAME.definition!.description);
    assert.match(slo!.textContent!, /^SLO burn rate: unknown \(not required\)/);
    assert.equal(titleOf(hostile!).textContent, HOSTILE);
    assert.equal(titleOf(hostile!).getAttribute('title'), null);
    assert.equal(within(hostile!).queryByTestId('gate-description'), null);
    assert.equal(document.querySelector('img'), null, 'a gate name is never markup');
    assert.equal(titleOf(ctor!).textContent, 'constructor');
  });

  test('without the registry every gate is shown by its name', () => {
    render(<GateList gates={report} />);
    assert.deepEqual(rows().map((li) => titleOf(li).textContent), ['definition', 'slo', HOSTILE, 'constructor']);
    assert.equal(screen.queryAllByTestId('gate-description').length, 0);
  });

  test('dense (card, timeline) and compact (inbox) lists: the title with its tooltip, no description line', () => {
    const { unmount } = render(<GateList gates={report} info={BY_NAME} dense />);
    assert.equal(titleOf(rows()[1]!).getAttribute('title'), BY_NAME.slo!.description);
    assert.equal(screen.queryAllByTestId('gate-description').length, 0);
    unmount();
    render(<GateList gates={report} info={BY_NAME} compact />);
    assert.deepEqual(rows().map((li) => li.textContent), ['API definition: passed', 'SLO burn rate: unknown (not required)', `${HOSTILE}: failed`, 'constructor: passed (not required)']);
    assert.equal(rows()[1]!.getAttribute('title'), 'no Prometheus configured', 'the evidence summary stays the row tooltip');
    assert.equal(screen.queryAllByTestId('gate-description').length, 0);
  });
});

describe('the views and the registry', () => {
  const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));
  const titles = (root: ParentNode) => [...root.querySelectorAll('[data-testid="gate-title"]')].map((t) => t.textContent);

  function apiWithRequests() {
    const api = new FakeApi();
    api.gates = REGISTRY;
    const gates: GateReport = { passed: true, gates: REGISTRY.map((g) => ({ gate: g.name, status: 'passed', required: true, summary: 'ok', evidence: {}, evaluatedAt: ago(HOUR) })) };
    api.requests = [
      req({ id: 'r1', entityRef: 'api:default/orders', gates }),
      req({ id: 'r2', entityRef: 'api:default/payments', gates }),
      req({ id: 'r3', entityRef: 'api:default/shipping', gates }),
    ];
    return api;
  }

  test('the inbox, its dialog, the card and the history show the titles; the registry is asked once per API client', async () => {
    const api = apiWithRequests();
    renderWithPermissions(<ApprovalsInboxView api={api} currentUser="user:default/bob" now={NOW} loadEntities={async () => ({})} />);
    await waitFor(() => assert.equal(screen.getAllByTestId('inbox-row').length, 3));
    await waitFor(() => assert.deepEqual(titles(screen.getAllByTestId('inbox-row')[0]!), ['API definition', 'Canary verdict', 'SLO burn rate']));
    act(() => void fireEvent.click(within(screen.getAllByTestId('inbox-row')[0]!).getByTestId('inbox-review')));
    const dialog = await screen.findByTestId('decision-dialog');
    assert.deepEqual(titles(dialog), ['API definition', 'Canary verdict', 'SLO burn rate']);
    assert.equal(within(dialog).getAllByTestId('gate-description')[1]!.textContent, BY_NAME.canary!.description);
    cleanup();
    renderWithPermissions(<GovernanceCardView api={api} entityRef="api:default/orders" entityTitle="Orders API" currentUser="user:default/bob" now={NOW} />);
    await waitFor(() => assert.deepEqual(titles(screen.getByTestId('governance-open-request')), ['API definition', 'Canary verdict', 'SLO burn rate']));
    cleanup();
    api.audits.r1 = [{ id: 1, requestId: 'r1', actor: 'user:default/alice', at: ago(HOUR), action: 'create', fromState: null, toState: 'requested', reason: null, override: false, evidence: api.requests[0]!.gates }];
    render(<HistoryTimeline api={api} entityRef="api:default/orders" />);
    await waitFor(() => assert.deepEqual(titles(screen.getByTestId('timeline')), ['API definition', 'Canary verdict', 'SLO burn rate']));
    assert.equal(api.calls.filter((c) => c.method === 'listGates').length, 1);
  });

  test('a registry that cannot be read leaves the names, and the next view asks again', async () => {
    const api = apiWithRequests();
    let asked = 0;
    api.listGates = async () => {
      asked++;
      if (asked === 1) throw new Error('backend down');
      return REGISTRY;
    };
    renderWithPermissions(<GovernanceCardView api={api} entityRef="api:default/orders" entityTitle="Orders API" currentUser="user:default/bob" now={NOW} />);
    await screen.findByTestId('governance-open-request');
    await flush();
    assert.deepEqual(titles(screen.getByTestId('governance-open-request')), ['definition', 'canary', 'slo']);
    cleanup();
    renderWithPermissions(<GovernanceCardView api={api} entityRef="api:default/orders" entityTitle="Orders API" currentUser="user:default/bob" now={NOW} />);
    await waitFor(() => assert.deepEqual(titles(screen.getByTestId('governance-open-request')), ['API definition', 'Canary verdict', 'SLO burn rate']));
    assert.equal(asked, 2);
  });
});
