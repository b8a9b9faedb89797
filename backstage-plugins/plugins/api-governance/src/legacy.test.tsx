/**
 * The legacy frontend system's extensions (`./legacy`) in a legacy app (core-app-api's, through
 * @backstage/test-utils): the entity card and tab show the API's open request and offer what the
 * permission policy allows, and the approvals page mounted on the plugin's route lists the open requests.
 * The governance API is the in-memory fake of the views' tests.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-governance
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { ApiGovernancePage, EntityGovernanceCard, EntityGovernanceContent, apiGovernanceApiRef, apiGovernancePlugin } from './legacy';
import { rootRouteRef } from './plugin';
import { FakeApi, req } from './testUtils/fixtures';
import { apis, entity, routes } from './testUtils/backstage-fixtures';

afterEach(() => cleanup());

const APPROVE = 'api-governance.promotion.approve';

describe('legacy frontend system', () => {
  test('a legacy plugin with the id, API factory and approvals route of the new system\'s', () => {
    assert.equal(apiGovernancePlugin.getId(), 'api-governance');
    assert.deepEqual([...apiGovernancePlugin.getApis()].map((f) => f.api.id), [apiGovernanceApiRef.id]);
    assert.equal(apiGovernancePlugin.routes.root, rootRouteRef);
  });

  test('EntityGovernanceCard shows the open request and offers approval only when the policy allows it', async () => {
    for (const allowApprove of [true, false]) {
      const fake = new FakeApi();
      fake.requests = [req()];
      await renderInTestApp(
        // A fresh SWR cache per render: usePermission caches its answers in SWR's global cache otherwise.
        <SWRConfig value={{ provider: () => new Map() }}>
          <TestApiProvider apis={apis(fake, (name) => allowApprove || name !== APPROVE)}>
            <EntityProvider entity={entity}>
              <EntityGovernanceCard />
            </EntityProvider>
          </TestApiProvider>
        </SWRConfig>,
        { mountedRoutes: routes },
      );
      await screen.findByTestId('governance-open-request');
      await waitFor(() => assert.equal((screen.getByTestId('card-approve') as HTMLButtonElement).disabled, !allowApprove));
      assert.ok(fake.calls.some((c) => c.method === 'listRequests' && (c.args[0] as { entityRef?: string }).entityRef === 'api:default/orders'));
      cleanup();
    }
  });

  test('EntityGovernanceContent renders the Governance tab', async () => {
    const fake = new FakeApi();
    fake.requests = [req()];
    await renderInTestApp(
      <TestApiProvider apis={apis(fake, () => true)}>
        <EntityProvider entity={entity}>
          <EntityGovernanceContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: routes },
    );
    await screen.findByTestId('governance-open-request');
    await waitFor(() => assert.ok(fake.calls.some((c) => c.method === 'listEvents'), fake.calls.map((c) => c.method).join(', ')));
  });

  test('ApiGovernancePage lists the open requests where the app mounts it', async () => {
    const fake = new FakeApi();
    fake.requests = [req(), req({ entityRef: 'api:default/payments' })];
    await renderInTestApp(
      <TestApiProvider apis={apis(fake, () => true)}>
        <Routes>
          <Route path="/approvals" element={<ApiGovernancePage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/approvals'], mountedRoutes: { ...routes, '/approvals': apiGovernancePlugin.routes.root } },
    );
    await waitFor(() => assert.equal(screen.getAllByTestId('inbox-row').length, 2));
  });
});
