import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from '@testing-library/react';
import { StateChip } from './StateChip';

afterEach(() => cleanup());

const chip = (state: string) => {
  const { container } = render(<StateChip state={state} />);
  const el = container.querySelector(`[data-state="${state}"]`) as HTMLElement;
  assert.ok(el, `chip for ${state}`);
  return el;
};

test('each state by its label, with the whole label as tooltip; open and promoted states are coloured', () => {
  const cases: [string, string, RegExp | null][] = [
    ['requested', 'Awaiting decision', /colorPrimary/],
    ['approved', 'Approved, awaiting promotion', /colorPrimary/],
    ['promoted', 'Promoted', /colorSecondary/],
    ['rejected', 'Rejected', null],
    ['cancelled', 'Cancelled', null],
    ['rolled_back', 'Rolled back', null],
  ];
  for (const [state, label, color] of cases) {
    const el = chip(state);
    assert.equal(el.textContent, label);
    assert.equal(el.getAttribute('title'), label);
    if (color) assert.match(el.className, color, state);
    else assert.doesNotMatch(el.className, /colorPrimary|colorSecondary/, state);
    cleanup();
  }
});

test('a state the plugin does not know is shown as sent, uncoloured', () => {
  const el = chip('on_hold');
  assert.equal(el.textContent, 'on_hold');
  assert.doesNotMatch(el.className, /colorPrimary|colorSecondary/);
});
