import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { PlainText } from './PlainText';
import { HOSTILE } from '../../testUtils/fixtures';

afterEach(() => cleanup());

test('user text is a text node: markup stays visible text, no element is created from it', () => {
  const { container } = render(<PlainText testId="t">{`reason ${HOSTILE}\nsecond line`}</PlainText>);
  const el = screen.getByTestId('t');
  assert.equal(el.textContent, `reason ${HOSTILE}\nsecond line`);
  assert.equal(container.querySelector('img'), null);
  // kept as typed (line breaks) and long words wrapped
  assert.equal(el.style.whiteSpace, 'pre-wrap');
  assert.equal(el.style.overflowWrap, 'anywhere');
});

test('no text (null, undefined, empty) renders nothing', () => {
  for (const value of [null, undefined, '']) {
    const { container } = render(<PlainText>{value}</PlainText>);
    assert.equal(container.innerHTML, '', `for ${JSON.stringify(value)}`);
    cleanup();
  }
});
