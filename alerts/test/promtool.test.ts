import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkRules, findPromtool, repoRoot, testRules } from '../src/promtool';
import { ALERTS_DIR } from '../src/generate';
import { RULES_DIR, TESTS_DIR, committedTests, yamlFiles } from './helpers';

const promtool = findPromtool();
const skip = promtool
  ? false
  : `promtool not found in ${path.join(repoRoot(), '.tools', 'bin')} nor on PATH: run \`npm run setup\` (it builds Prometheus and promtool) to run the rule checks and rule unit tests`;

for (const file of yamlFiles(RULES_DIR)) {
  test(`promtool check rules (all lints fatal): rules/${file}`, { skip }, () => {
    const r = checkRules(promtool!, [path.join('rules', file)], ALERTS_DIR);
    assert.ok(r.ok, `promtool check rules failed for alerts/rules/${file} (exit ${r.status}):\n${r.output}`);
    assert.match(r.output, /SUCCESS: \d+ rules found/, `unexpected promtool output:\n${r.output}`);
  });
}

for (const { file, doc } of committedTests()) {
  test(`promtool test rules: tests/${file} (${doc.tests.length} groups)`, { skip, timeout: 10 * 60 * 1000 }, () => {
    const r = testRules(promtool!, [file], TESTS_DIR);
    const failed = r.cases.filter((c) => c.failure !== undefined);
    const detail = failed.map((c) => `  ✗ ${c.name}\n${c.failure!.split('\n').map((l) => `      ${l}`).join('\n')}`).join('\n');
    assert.ok(r.ok && failed.length === 0, `promtool test rules failed for alerts/tests/${file} (exit ${r.status}); ${failed.length} of ${r.cases.length} groups failed:\n${detail || r.output}`);
    // Every group of the file ran (promtool reports each group as a test case).
    const ran = new Set(r.cases.map((c) => c.name));
    const missing = doc.tests.map((t) => t.name).filter((n) => !ran.has(n));
    assert.deepEqual(missing, [], `promtool did not report these groups of alerts/tests/${file}: ${missing.join(', ')}`);
  });
}
