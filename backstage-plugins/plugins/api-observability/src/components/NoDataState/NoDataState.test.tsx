import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { NoDataState } from './NoDataState';

afterEach(() => cleanup());

test('names the API and the range without traffic; the API name stays text', () => {
  const { container } = render(<NoDataState api={'<img src=x onerror="globalThis.pwned=1">'} range="6h" />);
  assert.ok(screen.getByText('Info: No data yet'));
  const body = screen.getByTestId('obs-state-no-data');
  assert.equal(body.querySelector('code')?.textContent, '<img src=x onerror="globalThis.pwned=1">');
  assert.match(body.textContent ?? '', /in the last 6h\. Data appears once the\s+gateway serves requests for it\./);
  assert.equal(container.querySelector('img'), null);
});
