/**
 * src/js-yaml.ts requires js-yaml's loader files by path (`../node_modules/js-yaml/lib/...`, its `exports`
 * map hides them from named imports): that path must be the js-yaml 4 this package depends on.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const PACKAGE = path.resolve(__dirname, '..');

test('js-yaml is installed in the package\'s own node_modules, at the version it depends on', () => {
  const resolved = require.resolve('js-yaml/package.json', { paths: [PACKAGE] });
  assert.equal(resolved, path.join(PACKAGE, 'node_modules/js-yaml/package.json'), 'npm hoisted js-yaml: src/js-yaml.ts requires ../node_modules/js-yaml/lib/*');
  const wanted = (JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['js-yaml'];
  assert.equal((JSON.parse(readFileSync(resolved, 'utf8')) as { version: string }).version, wanted);
});

test('the lib/ modules are the ones the package entry re-exports', () => {
  const entry = require(path.join(PACKAGE, 'node_modules/js-yaml/index.js')) as Record<string, unknown>;
  const ours = require('../src/js-yaml') as Record<string, unknown> & { types: Record<string, unknown> };
  for (const name of ['load', 'Type', 'FAILSAFE_SCHEMA', 'YAMLException']) assert.equal(ours[name], entry[name], name);
  const entryTypes = entry.types as Record<string, unknown>;
  for (const name of ['null', 'bool', 'float']) assert.equal(ours.types[name], entryTypes[name], `types.${name}`);
});
