import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { GatedButton } from './GatedButton';
import { ALLOWED, CHECKING, CHECKING_REASON, DENIED_REASONS, type Gate } from '../../hooks/useGovernancePermissions';

afterEach(() => cleanup());

const DENIED: Gate = { disabled: true, status: 'denied', reason: DENIED_REASONS.approve };
const button = () => screen.getByTestId('b') as HTMLButtonElement;

function renderButton(gate: Gate, extra: { disabled?: boolean; disabledReason?: string } = {}) {
  const clicks: number[] = [];
  render(
    <GatedButton gate={gate} {...extra} onClick={() => clicks.push(1)} data-testid="b">
      Approve
    </GatedButton>,
  );
  return clicks;
}

test('allowed: enabled, clicks go through, no disabled reason', () => {
  const clicks = renderButton(ALLOWED);
  assert.equal(button().disabled, false);
  assert.equal(button().getAttribute('data-permission'), 'allowed');
  assert.equal(button().getAttribute('data-disabled-reason'), null);
  act(() => void fireEvent.click(button()));
  assert.equal(clicks.length, 1);
});

test('while the permission is checked and when denied: disabled with the reason, on a wrapper the tooltip listens on', async () => {
  for (const [gate, reason] of [[CHECKING, CHECKING_REASON], [DENIED, DENIED_REASONS.approve]] as const) {
    const clicks = renderButton(gate);
    assert.equal(button().disabled, true);
    assert.equal(button().getAttribute('data-permission'), gate.status);
    assert.equal(button().getAttribute('data-disabled-reason'), reason);
    assert.equal(button().parentElement?.tagName, 'SPAN');
    act(() => void fireEvent.click(button()));
    assert.equal(clicks.length, 0);
    // hovering the wrapper shows the reason as the tooltip
    await act(async () => void fireEvent.mouseOver(button().parentElement!));
    assert.equal((await screen.findByRole('tooltip')).textContent, reason);
    cleanup();
  }
});

test("disabled for another reason: that reason, unless the permission's reason comes first", () => {
  renderButton(ALLOWED, { disabled: true, disabledReason: 'A request is already open' });
  assert.equal(button().disabled, true);
  assert.equal(button().getAttribute('data-permission'), 'allowed');
  assert.equal(button().getAttribute('data-disabled-reason'), 'A request is already open');
  cleanup();
  renderButton(DENIED, { disabled: true, disabledReason: 'A request is already open' });
  assert.equal(button().getAttribute('data-disabled-reason'), DENIED_REASONS.approve);
  cleanup();
  // disabled without a reason: no tooltip wrapper
  renderButton(ALLOWED, { disabled: true });
  assert.equal(button().disabled, true);
  assert.equal(button().getAttribute('data-disabled-reason'), null);
  assert.notEqual(button().parentElement?.tagName, 'SPAN');
});
