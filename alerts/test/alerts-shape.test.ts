import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ALERTS_DIR, loadSloConfig } from '../src/generate';
import { PERSONAS, SEVERITIES, runbookAnchor } from '../src/model';
import { allRules, committedTests } from './helpers';

const alerts = allRules().filter((r) => r.alert);
const alertNames = [...new Set(alerts.map((r) => r.alert!))];
const runbook = readFileSync(path.join(ALERTS_DIR, 'RUNBOOK.md'), 'utf8');
const sections = [...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!);

test('every alert has severity, persona, summary, description and runbook_url', () => {
  for (const a of alerts) {
    const where = `${a.file} ${a.alert}`;
    assert.ok(SEVERITIES.includes(a.labels?.severity as never), `${where}: severity must be one of ${SEVERITIES.join('|')}, got ${a.labels?.severity}`);
    assert.ok(PERSONAS.includes(a.labels?.persona as never), `${where}: persona must be one of ${PERSONAS.join('|')}, got ${a.labels?.persona}`);
    for (const k of ['summary', 'description', 'runbook_url']) assert.ok(a.annotations?.[k], `${where}: annotation ${k} missing`);
    // Templates stay in the {{ $labels.x }} form the tests render exactly.
    for (const k of ['summary', 'description']) {
      const rest = a.annotations![k]!.replace(/\{\{ \$labels\.[a-zA-Z_][a-zA-Z0-9_]* \}\}/g, '');
      assert.ok(!rest.includes('{{'), `${where}: ${k} uses a template form other than {{ $labels.x }}`);
    }
  }
});

test('every runbook_url points at its own section of RUNBOOK.md, one section per alert', () => {
  const base = loadSloConfig().runbookBaseUrl;
  for (const a of alerts) {
    assert.equal(a.annotations!.runbook_url, `${base}#${runbookAnchor(a.alert!)}`, `${a.alert}: runbook_url`);
    assert.ok(sections.includes(a.alert!), `RUNBOOK.md has no section "## ${a.alert}"`);
  }
  assert.deepEqual([...sections].sort(), [...alertNames].sort(), 'RUNBOOK.md sections and alert names differ');
  assert.equal(new Set(sections).size, sections.length, 'RUNBOOK.md repeats a section');
});

test('every alert is tested by promtool both firing and not firing', () => {
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const { doc } of committedTests()) {
    for (const g of doc.tests) {
      for (const t of g.alert_rule_test ?? []) (t.exp_alerts?.length ? firing : quiet).add(t.alertname);
    }
  }
  assert.deepEqual(alertNames.filter((a) => !firing.has(a)), [], 'alerts never asserted firing');
  assert.deepEqual(alertNames.filter((a) => !quiet.has(a)), [], 'alerts never asserted not firing');
});

test('canary and platform alerts exist for every kind the issue asks for', () => {
  for (const name of [
    'CanaryRollbackDecided', 'CanaryGateStuck', 'CanaryNoTraffic', 'CanaryGateMetricNoData',
    'OtelCollectorRefusingData', 'OtelCollectorDroppingData', 'OtelCollectorExportFailing', 'OtelCollectorQueueFilling',
    'ScrapeTargetDown', 'GatewayDown', 'ApiNoTraffic', 'PrometheusRuleEvaluationFailures', 'GatewayMetricsUnmapped',
  ]) assert.ok(alertNames.includes(name), `missing alert ${name}`);
});
