import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALERTS_DIR, generateAll } from '../src/generate';
import { RULES_DIR, TESTS_DIR, yamlFiles } from './helpers';

test('committed rules, promtool tests, RUNBOOK.md and the README table match a fresh generation', () => {
  const generated = generateAll();
  const stale: string[] = [];
  for (const [rel, content] of generated) {
    const file = path.join(ALERTS_DIR, rel);
    if (!existsSync(file)) stale.push(`${rel} (missing)`);
    else if (readFileSync(file, 'utf8') !== content) stale.push(rel);
  }
  assert.deepEqual(stale, [], `stale generated files in alerts/: ${stale.join(', ')}\nRun: npm run generate -w @api-observatory/alerts (or node --conditions=source --import tsx alerts/src/cli.ts)`);
});

test('no hand-made files hide among the generated ones', () => {
  const generated = new Set(generateAll().keys());
  const extra = [
    ...yamlFiles(RULES_DIR).map((f) => `rules/${f}`),
    ...yamlFiles(TESTS_DIR).map((f) => `tests/${f}`),
  ].filter((f) => !generated.has(f));
  assert.deepEqual(extra, [], `files in alerts/rules or alerts/tests that the generator does not produce: ${extra.join(', ')}`);
});
