import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from '@testing-library/react';
import { DecisionSummary } from './DecisionSummary';
import { HOSTILE } from '../../testUtils/fixtures';

afterEach(() => cleanup());

test('"<verb> by <user>" with the short name (full ref as tooltip) and the reason as text', () => {
  const { container } = render(<DecisionSummary verb="Rejected" by="user:default/carla.pm" reason={`not yet ${HOSTILE}`} />);
  const line = container.querySelector('p')!;
  assert.equal(line.textContent, 'Rejected by carla.pm');
  assert.equal(line.querySelector('span')?.getAttribute('title'), 'user:default/carla.pm');
  assert.match(container.textContent ?? '', /not yet <img src=x onerror=alert\(1\)>/);
  assert.equal(container.querySelector('img'), null);
});

test('an override says so; a user outside the default namespace keeps the whole ref; no reason, no reason line', () => {
  const { container } = render(<DecisionSummary verb="Approved" by="user:ops/dana" overridden reason={null} />);
  assert.equal(container.textContent, 'Approved by user:ops/dana (gate override)');
});
