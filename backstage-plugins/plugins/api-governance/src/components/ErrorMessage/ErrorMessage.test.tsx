import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { ErrorMessage } from './ErrorMessage';
import { GovernanceApiError } from '../../api/client';
import { HOSTILE } from '../../testUtils/fixtures';

afterEach(() => cleanup());

test("a backend error shows its code and message, after the title; the message stays text", () => {
  const { container } = render(<ErrorMessage title="The request was not created" error={new GovernanceApiError('REQUEST_ALREADY_OPEN', `already open ${HOSTILE}`, 409)} />);
  const alert = screen.getByTestId('governance-error');
  assert.equal(alert.getAttribute('data-code'), 'REQUEST_ALREADY_OPEN');
  assert.match(alert.textContent ?? '', new RegExp(`^The request was not created: REQUEST_ALREADY_OPEN: already open ${HOSTILE.replace(/[()]/g, '\\$&')}$`));
  assert.equal(container.querySelector('img'), null);
});

test('any other error shows its message without a code; a thrown non-Error is shown as text', () => {
  render(<ErrorMessage error={new TypeError('Failed to fetch')} />);
  let alert = screen.getByTestId('governance-error');
  assert.equal(alert.getAttribute('data-code'), null);
  assert.equal(alert.textContent, 'Failed to fetch');
  cleanup();
  render(<ErrorMessage error="gateway timeout" />);
  alert = screen.getByTestId('governance-error');
  assert.equal(alert.textContent, 'gateway timeout');
});

test('children (e.g. a Reload button) render inside the alert', () => {
  render(
    <ErrorMessage error={new Error('stale')}>
      <button type="button">Reload</button>
    </ErrorMessage>,
  );
  assert.ok(screen.getByTestId('governance-error').contains(screen.getByRole('button', { name: 'Reload' })));
});
