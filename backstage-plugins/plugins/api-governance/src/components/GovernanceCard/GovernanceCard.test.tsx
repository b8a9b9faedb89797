/**
 * The entity card extension's component, in a Backstage test app: it binds the card to the current
 * entity (its ref and title), the governance API and the signed-in user from identityApi.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { SWRConfig } from 'swr';
import { GovernanceCard } from './GovernanceCard';
import { FakeApi, req } from '../../testUtils/fixtures';
import { apis, entity } from '../../testUtils/backstage-fixtures';

afterEach(() => cleanup());

const permissionsChecked = () => waitFor(() => assert.equal(document.querySelectorAll('[data-permission="loading"]').length, 0));

async function renderCard(fake: FakeApi, userEntityRef: string, title?: string) {
  await renderInTestApp(
    // A fresh SWR cache per render: usePermission caches its answers in SWR's global cache otherwise.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider apis={apis(fake, () => true, { userEntityRef })}>
        <EntityProvider entity={{ ...entity, metadata: { ...entity.metadata, title } }}>
          <GovernanceCard />
        </EntityProvider>
      </TestApiProvider>
    </SWRConfig>,
  );
}

test("the current entity's requests; the signed-in requester is offered cancel, never approve", async () => {
  const fake = new FakeApi();
  fake.requests = [req({ requestedBy: 'user:default/alice' }), req({ entityRef: 'api:default/payments', requestedBy: 'user:default/zoe' })];
  await renderCard(fake, 'user:default/alice');
  await screen.findByTestId('governance-open-request');
  await permissionsChecked();
  assert.ok(fake.calls.some((c) => c.method === 'listRequests' && (c.args[0] as { entityRef?: string }).entityRef === 'api:default/orders'));
  assert.equal(screen.queryByTestId('card-approve'), null);
  assert.equal((screen.getByTestId('card-cancel') as HTMLButtonElement).disabled, false);
});

test('another signed-in user is offered approve; the request dialog names the entity by its title', async () => {
  const fake = new FakeApi();
  fake.requests = [req({ requestedBy: 'user:default/alice' })];
  await renderCard(fake, 'user:default/carla.pm', 'Orders API');
  await screen.findByTestId('governance-open-request');
  await permissionsChecked();
  assert.equal((screen.getByTestId('card-approve') as HTMLButtonElement).disabled, false);
  cleanup();

  const empty = new FakeApi();
  await renderCard(empty, 'user:default/alice', 'Orders API');
  await screen.findByTestId('governance-no-open-request');
  await permissionsChecked();
  await act(() => void fireEvent.click(screen.getByTestId('card-request')));
  within(await screen.findByRole('dialog')).getByText('API: Orders API');
});
