/**
 * One rule for whose tenant and plan claims count: the collector's tenant and plan statements trust the
 * issuer pattern the simulator's ground truth uses (TRUSTED_TOKEN_ISSUER_PATTERN), with the default realm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TRUSTED_TOKEN_ISSUER_PATTERN } from '@api-observatory/traffic-simulator';

test("the collector's tenant and plan statements trust the simulator's issuer pattern", () => {
  const config = readFileSync(path.join(__dirname, '..', 'config.yaml'), 'utf8');
  const statements = config.split('\n').filter((l) => /- set\(span\.attributes\["(tenant|plan)"\]/.test(l));
  assert.equal(statements.length, 2, 'one statement each for tenant and plan');
  for (const s of statements) {
    const m = /IsMatch\(span\.attributes\["jwt\.iss"\], "([^"]+)"\)/.exec(s);
    assert.ok(m, `issuer check in: ${s.trim()}`);
    const pattern = m[1]!.replace(/\$\{env:TOKEN_ISSUER_REALM:-([^}]+)\}/, '$1');
    assert.equal(pattern, TRUSTED_TOKEN_ISSUER_PATTERN);
  }
});
