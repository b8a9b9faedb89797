/**
 * The Governance tab extension's component, in a Backstage test app: the card and the history of the
 * current entity, from the governance API.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { GovernanceContent } from './GovernanceContent';
import { FakeApi, req } from '../../testUtils/fixtures';
import { apis, entity } from '../../testUtils/backstage-fixtures';

afterEach(() => cleanup());

test("the card and the history of the current entity: its open request, its audit trail and its events", async () => {
  const fake = new FakeApi();
  fake.requests = [req({ id: 'r-orders' }), req({ entityRef: 'api:default/payments' })];
  fake.audits = {
    'r-orders': [{ id: 1, requestId: 'r-orders', action: 'create', actor: 'user:default/alice', fromState: null, toState: 'requested', at: '2026-11-20T10:00:00.000Z', reason: null, override: false, evidence: null }],
  };
  await renderInTestApp(
    <TestApiProvider apis={apis(fake, () => true)}>
      <EntityProvider entity={entity}>
        <GovernanceContent />
      </EntityProvider>
    </TestApiProvider>,
  );
  await screen.findByTestId('governance-open-request');
  await waitFor(() => assert.deepEqual(screen.getAllByTestId('timeline-entry').map((e) => e.getAttribute('data-action')), ['create']));
  assert.ok(fake.calls.some((c) => c.method === 'listEvents' && c.args[0] === 'api:default/orders'), fake.calls.map((c) => c.method).join(', '));
  assert.ok(fake.calls.every((c) => c.method !== 'getAudit' || c.args[0] === 'r-orders'), 'only the entity\'s requests are audited');
});
