import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { RequestDialog } from './RequestDialog';
import { GovernanceApiError } from '../../api/client';
import { FakeApi, HOSTILE } from '../../testUtils/fixtures';

afterEach(() => cleanup());

const click = (el: Element) => act(() => void fireEvent.click(el));
const type = (el: Element, value: string) => act(() => void fireEvent.change(el, { target: { value } }));

function renderDialog(api: FakeApi, over: { environments?: string[]; defaultTarget?: string; entityTitle?: string } = {}) {
  const created: PromotionRequest[] = [];
  const stale: number[] = [];
  render(
    <RequestDialog
      open
      api={api}
      entityRef="api:default/orders"
      entityTitle={over.entityTitle ?? 'Orders API'}
      environments={over.environments ?? api.environments}
      defaultTarget={over.defaultTarget}
      onClose={() => undefined}
      onCreated={(r) => created.push(r)}
      onStale={() => stale.push(1)}
    />,
  );
  const dialog = screen.getByRole('dialog');
  return { created, stale, dialog, submit: within(dialog).getByTestId('request-submit') as HTMLButtonElement };
}

test('the target is preselected and names its source; without a comment none is sent; the created request is handed back', async () => {
  const api = new FakeApi();
  const { dialog, submit, created } = renderDialog(api, { defaultTarget: 'production' });
  assert.equal((within(dialog).getByTestId('request-target') as HTMLInputElement).value, 'production');
  within(dialog).getByText('Promotes from staging to production');
  await click(submit);
  await waitFor(() => assert.equal(created.length, 1));
  const [create] = api.writes();
  assert.deepEqual(create!.args[0], { entityRef: 'api:default/orders', toEnvironment: 'production' });
  assert.ok(create!.key, 'an Idempotency-Key is sent');
  assert.equal(created[0]!.toEnvironment, 'production');
});

test('a default target that is not a target (the first environment, an unknown one) falls back to the first target', () => {
  for (const defaultTarget of ['dev', 'qa']) {
    const { dialog } = renderDialog(new FakeApi(), { defaultTarget });
    assert.equal((within(dialog).getByTestId('request-target') as HTMLInputElement).value, 'staging');
    within(dialog).getByText('Promotes from dev to staging');
    cleanup();
  }
});

test('a whitespace-only comment is not sent; a comment is sent as typed', async () => {
  const api = new FakeApi();
  const { dialog, submit } = renderDialog(api);
  await type(within(dialog).getByTestId('request-comment'), '   ');
  await click(submit);
  await waitFor(() => assert.equal(api.writes().length, 1));
  assert.deepEqual(api.writes()[0]!.args[0], { entityRef: 'api:default/orders', toEnvironment: 'staging' });
  cleanup();
  const api2 = new FakeApi();
  const second = renderDialog(api2);
  await type(within(second.dialog).getByTestId('request-comment'), 'ready\nfor staging');
  await click(second.submit);
  await waitFor(() => assert.equal(api2.writes().length, 1));
  assert.deepEqual(api2.writes()[0]!.args[0], { entityRef: 'api:default/orders', toEnvironment: 'staging', comment: 'ready\nfor staging' });
});

test('one environment: nothing to promote into, the submit stays disabled', () => {
  const api = new FakeApi();
  const { dialog, submit } = renderDialog(api, { environments: ['production'] });
  within(dialog).getByText('Only one environment is configured: there is nothing to promote into.');
  assert.equal(within(dialog).queryByTestId('request-target'), null);
  assert.equal(submit.disabled, true);
});

test('REQUEST_ALREADY_OPEN: the error with its code and a Reload that asks to reload; another error has no Reload', async () => {
  const api = new FakeApi();
  api.createErrors = [new GovernanceApiError('REQUEST_ALREADY_OPEN', 'a request is already open', 409)];
  const { dialog, submit, created, stale } = renderDialog(api);
  await click(submit);
  const error = await within(dialog).findByTestId('governance-error');
  assert.match(error.textContent ?? '', /The request was not created: REQUEST_ALREADY_OPEN: a request is already open/);
  assert.equal(created.length, 0);
  await click(within(error).getByRole('button', { name: 'Reload' }));
  assert.equal(stale.length, 1);
  cleanup();

  const api2 = new FakeApi();
  api2.createErrors = [new GovernanceApiError('FORBIDDEN', 'not an owner', 403)];
  const second = renderDialog(api2);
  await click(second.submit);
  const error2 = await within(second.dialog).findByTestId('governance-error');
  assert.equal(within(error2).queryByRole('button', { name: 'Reload' }), null);
});

test('the API title is text', () => {
  const { dialog } = renderDialog(new FakeApi(), { entityTitle: HOSTILE });
  within(dialog).getByText(`API: ${HOSTILE}`);
  assert.equal(dialog.querySelector('img'), null);
});
