/**
 * jsdom tests of the firing alerts table of the Observability tab.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen, within } from '@testing-library/react';
import { FiringAlertsTable } from './FiringAlertsTable';
import { firingAlert } from '../../testUtils/fixtures';

afterEach(() => cleanup());

const HOSTILE = '<img src=x onerror="globalThis.pwned=1">';
const alert = firingAlert;

test('no firing alert: the table renders nothing', () => {
  const { container } = render(<FiringAlertsTable alerts={[]} />);
  assert.equal(container.innerHTML, '');
});

test('each firing alert is a row with severity, summary and a runbook link; only http(s) links, text stays text', () => {
  render(
    <FiringAlertsTable
      alerts={[
        alert({}),
        alert({ fingerprint: 'cd34', alertname: 'CanaryRollbackDecided', severity: 'ticket', summary: HOSTILE, runbookUrl: 'javascript:alert(1)' }),
      ]}
    />,
  );
  const rows = within(screen.getByTestId('obs-firing-alerts')).getAllByRole('row').slice(1);
  assert.equal(rows.length, 2);
  assert.ok(within(rows[0]!).getByText('page'));
  const link = within(rows[0]!).getByRole('link', { name: 'ApiAvailabilityFastBurn' });
  assert.equal(link.getAttribute('href'), 'https://example.org/RUNBOOK.md#apiavailabilityfastburn');
  assert.equal(within(rows[1]!).queryByRole('link'), null, 'a javascript: runbook URL is not a link');
  assert.ok(within(rows[1]!).getByText(HOSTILE), 'a hostile summary is shown as text');
  assert.equal((globalThis as { pwned?: number }).pwned, undefined);
});
