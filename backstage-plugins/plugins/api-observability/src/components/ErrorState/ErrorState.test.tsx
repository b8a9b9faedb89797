/**
 * jsdom tests of the Observability tab's error states.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { ObservabilityApiError } from '../../api/client';
import { ErrorState } from './ErrorState';

afterEach(() => cleanup());

test('Prometheus unreachable names the config key to check, beside the backend message', () => {
  render(<ErrorState error={new ObservabilityApiError('PROMETHEUS_UNREACHABLE', 'Prometheus (apiObservability.prometheusUrl) is unreachable', 503)} />);
  const state = screen.getByTestId('obs-state-prometheus-unreachable');
  assert.match(state.textContent ?? '', /Prometheus \(apiObservability\.prometheusUrl\) is unreachable/);
  const hint = screen.getByTestId('obs-state-prometheus-config-key');
  assert.equal(hint.querySelector('code')?.textContent, 'apiObservability.prometheusUrl');
  assert.match(hint.textContent ?? '', /set to a Prometheus the backend can reach/);
  assert.match(screen.getByRole('alert').textContent ?? '', /Prometheus unreachable/, 'the panel title');
});

test('other errors show their code and message, without the Prometheus hint', () => {
  render(<ErrorState error={new ObservabilityApiError('PROMETHEUS_QUERY_FAILED', 'Prometheus refused a query', 502)} />);
  assert.match(screen.getByTestId('obs-state-error').textContent ?? '', /PROMETHEUS_QUERY_FAILED: Prometheus refused a query/);
  assert.equal(screen.queryByTestId('obs-state-prometheus-config-key'), null);
});
