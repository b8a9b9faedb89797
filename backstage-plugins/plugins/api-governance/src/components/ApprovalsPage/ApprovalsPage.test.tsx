/**
 * The approvals inbox page, in a Backstage test app: the open requests with their APIs' titles, system
 * and owner from the catalog API, linked to the entity pages.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { ApprovalsPage } from './ApprovalsPage';
import { FakeApi, HOSTILE, req } from '../../testUtils/fixtures';
import { apis, entity, routes } from '../../testUtils/backstage-fixtures';

afterEach(() => cleanup());

test("each open request's API by its catalog title, linked to its entity page; an API the catalog lacks by its ref", async () => {
  const fake = new FakeApi();
  fake.requests = [req(), req({ entityRef: 'api:default/payments' })];
  const asked: string[] = [];
  const catalogEntity = (ref: string) => {
    asked.push(ref);
    return ref === 'api:default/orders' ? { ...entity, metadata: { ...entity.metadata, title: `Orders ${HOSTILE}` }, spec: { ...entity.spec, system: 'commerce' } } : undefined;
  };
  await renderInTestApp(
    <TestApiProvider apis={apis(fake, () => true, { catalogEntity })}>
      <ApprovalsPage />
    </TestApiProvider>,
    { mountedRoutes: routes },
  );
  await waitFor(() => assert.equal(screen.getAllByTestId('inbox-row').length, 2));
  await waitFor(() => assert.ok(screen.getByText(`Orders ${HOSTILE}`)));
  const link = screen.getByText(`Orders ${HOSTILE}`).closest('a');
  assert.equal(link?.getAttribute('href'), '/catalog/default/api/orders');
  const rows = screen.getAllByTestId('inbox-row');
  const payments = rows.find((r) => within(r).queryByText('api:payments'));
  assert.ok(payments, 'the API the catalog does not know is shown by its short ref');
  assert.equal(document.querySelector('img'), null);
  assert.deepEqual([...asked].sort(), ['api:default/orders', 'api:default/payments']);
});
