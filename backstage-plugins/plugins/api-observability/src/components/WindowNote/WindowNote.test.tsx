/**
 * The rate window the cards' figures use, as stated under them.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { WindowNote } from './WindowNote';
import { youngSummary as summary } from '../../testUtils/fixtures';

afterEach(() => cleanup());

describe('the Observability tab', () => {
  test('the figures state their window, and why it is shorter than the range\'s for young data', () => {
    render(<WindowNote s={summary} />);
    const text = screen.getByTestId('obs-window').textContent ?? '';
    assert.match(text, /Rates over 3m7s windows: now, and every 1h over the last 7d\./);
    assert.match(text, /The data starts at .*, so the window is its age rather than the range's\./);
    cleanup();
    render(<WindowNote s={{ ...summary, range: { key: '1h', start: 0, end: 3600, stepSeconds: 60, window: '2m', windowSeconds: 120 } }} />);
    assert.equal(screen.getByTestId('obs-window').textContent, 'Rates over 2m windows: now, and every 1m over the last 1h.');
  });
});
