/**
 * Consumers from real tokens: who the gateway sees (the token's azp), the claims its spans carry, and
 * tenant and plan only from a trusted partners realm (else `unknown`, never another tenant). The real
 * Keycloak and collector run in e2e/integration/keycloak.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN_DIMENSION } from '@api-observatory/telemetry-contract';
import { consumerFromToken, PROFILES, SIMULATED_ISSUER, TRUSTED_TOKEN_ISSUER_PATTERN, tenantAndPlan, TrafficGenerator, type ConsumerToken } from '../src';
import { enrichment } from '../src/otlp-spans';

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const token = (claims: Record<string, unknown>): ConsumerToken => ({ jwt: jwt(claims), claims, refreshAtMs: Infinity });
const PARTNERS = 'http://127.0.0.1:8080/realms/partners';

test('tenant and plan come from a partners realm token; a missing claim or another realm is unknown', () => {
  assert.deepEqual(tenantAndPlan({ iss: PARTNERS, tenant: 'globex', plan: 'pro' }), { tenant: 'globex', plan: 'pro' });
  assert.deepEqual(tenantAndPlan({ iss: 'https://sso.example/auth/realms/partners', tenant: 'acme', plan: 'free' }), { tenant: 'acme', plan: 'free' });
  assert.deepEqual(tenantAndPlan({ iss: PARTNERS, plan: 'free' }), { tenant: UNKNOWN_DIMENSION, plan: 'free' }, 'no tenant claim');
  assert.deepEqual(tenantAndPlan({ iss: PARTNERS, tenant: 'acme', plan: 'platinum' }), { tenant: 'acme', plan: UNKNOWN_DIMENSION }, 'not a plan');
  for (const iss of ['http://127.0.0.1:8080/realms/internal', 'http://127.0.0.1:8080/realms/master', 'http://x/realms/partners-evil', undefined]) {
    assert.deepEqual(tenantAndPlan({ iss, tenant: 'acme', plan: 'pro' }), { tenant: UNKNOWN_DIMENSION, plan: UNKNOWN_DIMENSION }, String(iss));
  }
  assert.match(SIMULATED_ISSUER, new RegExp(TRUSTED_TOKEN_ISSUER_PATTERN), 'seeded consumers are trusted');
});

test("a token's consumer is its azp, with its country; the spans carry the token's claims", () => {
  const c = consumerFromToken(token({ iss: PARTNERS, sub: 'sa-1', azp: 'globex-shop', tenant: 'globex', plan: 'pro', country: 'de' }), 0);
  assert.equal(c.name, 'globex-shop');
  assert.equal(c.tenant, 'globex');
  assert.equal(c.homeCountry, 'DE');
  const g = new TrafficGenerator({ seed: 3, consumerDirectory: [c] });
  const r = g.next();
  assert.equal(r.consumer, c);
  for (const p of PROFILES.filter((x) => x.otelPlugin)) {
    const attrs = new Map(enrichment(p.spanKeys, r, false).map((kv) => [kv.key, (kv.value as { stringValue: string }).stringValue]));
    assert.equal(attrs.get(p.spanKeys.consumer), 'globex-shop');
    assert.equal(attrs.get(p.spanKeys.jwtIss), PARTNERS);
    assert.equal(attrs.get(p.spanKeys.jwtTenant), 'globex');
    assert.equal(attrs.get(p.spanKeys.jwtPlan), 'pro');
  }
  const legacy = consumerFromToken(token({ iss: PARTNERS, sub: 'sa-2', azp: 'legacy-importer', plan: 'free' }), 1);
  const lr = new TrafficGenerator({ seed: 3, consumerDirectory: [legacy] }).next();
  const keys = PROFILES.find((x) => x.otelPlugin)!.spanKeys;
  assert.ok(!enrichment(keys, lr, false).some((kv) => kv.key === keys.jwtTenant), 'no tenant claim, no tenant attribute');
  assert.equal(legacy.tenant, UNKNOWN_DIMENSION);
  assert.throws(() => new TrafficGenerator({ consumerDirectory: [] }), /at least one consumer/);
});
