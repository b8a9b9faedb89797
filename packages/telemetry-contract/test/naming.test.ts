import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGatewayService, formatGatewayService, SERVICE_NAME_PATTERN } from '../src';

test('service names carry api, version and role', () => {
  assert.deepEqual(parseGatewayService('orders-v2-canary'), { api: 'orders', version: 'v2', role: 'canary' });
  assert.deepEqual(parseGatewayService('order-history-v1.4.2-baseline'), { api: 'order-history', version: 'v1.4.2', role: 'baseline' });
  assert.deepEqual(parseGatewayService('payments-v3'), { api: 'payments', version: 'v3', role: 'stable' });
  assert.deepEqual(parseGatewayService('legacy'), { api: 'legacy', version: 'unknown', role: 'stable' });
  // An API whose own name contains a version-like part still parses to the last version.
  assert.deepEqual(parseGatewayService('edge-v2-proxy-v1-stable'), { api: 'edge-v2-proxy', version: 'v1', role: 'stable' });
});

test('format round-trips and refuses ambiguous names', () => {
  for (const s of [{ api: 'shipping', version: 'v10', role: 'stable' as const }, { api: 'a_b-c', version: 'v1.0', role: 'canary' as const }]) {
    assert.deepEqual(parseGatewayService(formatGatewayService(s)), s);
  }
  assert.throws(() => formatGatewayService({ api: 'Orders', version: 'v1', role: 'stable' }), /round-trip/);
  assert.throws(() => formatGatewayService({ api: 'orders', version: '1', role: 'stable' }), /round-trip/);
});

test('pattern has no constructs RE2 lacks', () => {
  assert.doesNotMatch(SERVICE_NAME_PATTERN, /\(\?[=!<]/, 'lookaround is not RE2');
  assert.doesNotMatch(SERVICE_NAME_PATTERN, /\\[1-9]/, 'backreferences are not RE2');
});
