import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_SERIES, RECORDED_SERIES } from '@api-observatory/telemetry-contract';
import { FUNCTIONS, allRules, committedTests, scanPromql } from './helpers';

const known = (name: string) => CONTRACT_SERIES.has(name) || RECORDED_SERIES.has(name);

test('the scanner finds metric names and functions', () => {
  const s = scanPromql('sum by (api) (rate(apigw_requests_total{api="a{b}",le=~"1|1\\\\.0"}[5m])) / on (api) x:y:z offset 1h > 0.0144');
  assert.deepEqual(s.metrics, ['apigw_requests_total', 'x:y:z']);
  assert.deepEqual(s.functions, ['sum', 'rate']);
});

test('every series a rule reads is a contract series or a recorded series of rules.ts', () => {
  const bad: string[] = [];
  for (const r of allRules()) {
    const { metrics, functions } = scanPromql(r.expr);
    assert.ok(metrics.length > 0, `${r.file} ${r.record ?? r.alert}: no series found in ${r.expr}`);
    for (const m of metrics) if (!known(m)) bad.push(`${r.file} ${r.record ?? r.alert}: ${m}`);
    for (const f of functions) if (!FUNCTIONS.has(f)) bad.push(`${r.file} ${r.record ?? r.alert}: unexpected function ${f}`);
  }
  assert.deepEqual(bad, [], 'names typed outside the contract');
});

test('every recording rule records a name exported by rules.ts, and every exported name is recorded', () => {
  const recorded = new Set(allRules().flatMap((r) => (r.record ? [r.record] : [])));
  const unknown = [...recorded].filter((n) => !RECORDED_SERIES.has(n));
  assert.deepEqual(unknown, [], 'recording rules whose names rules.ts does not export');
  const orphans = [...RECORDED_SERIES].filter((n) => !recorded.has(n));
  assert.deepEqual(orphans, [], 'names rules.ts exports that no rule records (dashboards would read nothing)');
});

test('promtool test inputs and expressions only use contract and recorded names', () => {
  const bad: string[] = [];
  for (const { file, doc } of committedTests()) {
    for (const g of doc.tests) {
      for (const s of g.input_series) {
        const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(s.series)?.[1] ?? '';
        if (!CONTRACT_SERIES.has(name)) bad.push(`${file} / ${g.name}: input ${name}`);
      }
      for (const e of g.promql_expr_test ?? []) for (const m of scanPromql(e.expr).metrics) if (!known(m)) bad.push(`${file} / ${g.name}: expr ${m}`);
    }
  }
  assert.deepEqual(bad, []);
});
