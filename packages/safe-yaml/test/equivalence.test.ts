/**
 * The reader against `yaml` 2 (`parse(text, { uniqueKeys: true, maxAliasCount: 100 })`, what the canary-gate
 * CLI and the AsyncAPI viewer parsed with before): the same values for the project's YAML (gate configs,
 * catalog API entities and their OpenAPI / AsyncAPI definitions) and for the YAML features they use.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse as referenceParse } from 'yaml';
import { readYaml } from '../src/index';

const ROOT = path.resolve(__dirname, '../../..');
const reference = (text: string) => referenceParse(text, { uniqueKeys: true, maxAliasCount: 100 }) as unknown;
const ours = (text: string) => {
  const r = readYaml(text);
  if (!r.ok) assert.fail(`parse failed: ${r.error.message} (line ${r.error.line}, column ${r.error.column})`);
  return r.value;
};

describe('shipped documents read as `yaml` 2 reads them', () => {
  test('the canary judge gate configs (default gate, examples)', () => {
    for (const f of ['config/default-gate.yaml', 'examples/gate-prometheus.yaml', 'examples/gate-strict.yaml']) {
      const text = readFileSync(path.join(ROOT, 'packages/canary-judge', f), 'utf8');
      assert.deepEqual(ours(text), reference(text), f);
    }
  });

  test('the catalog API entities and their OpenAPI / AsyncAPI definitions (the AsyncAPI viewer fixtures)', () => {
    const dir = path.join(ROOT, 'backstage-plugins/catalog/apis');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    let asyncApi = 0;
    for (const f of files) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const entity = ours(text) as { spec?: { definition?: unknown } };
      assert.deepEqual(entity, reference(text), f);
      const definition = entity.spec?.definition;
      if (typeof definition === 'string') {
        assert.deepEqual(ours(definition), reference(definition), `${f}: spec.definition`);
        if (/^asyncapi:/m.test(definition)) asyncApi++;
      }
    }
    assert.ok(asyncApi >= 3, `${asyncApi} AsyncAPI definitions`);
  });

  test('a generated 500-channel AsyncAPI 3 document', () => {
    const lines = ['asyncapi: 3.0.0', 'info:', '  title: Big', '  version: 1.0.0', 'channels:'];
    for (let i = 0; i < 500; i++) {
      lines.push(`  ch${i}:`, `    address: topic.${i}`, '    messages:', `      m${i}:`, `        name: Message${i}`, '        payload:', '          type: object');
    }
    lines.push('operations:');
    for (let i = 0; i < 500; i++) {
      lines.push(`  op${i}:`, `    action: ${i % 2 ? 'receive' : 'send'}`, '    channel:', `      $ref: '#/channels/ch${i}'`);
      if (i % 10 === 0) lines.push('    tags:', '      - name: tenth', '    bindings: { kafka: { groupId: { type: string, enum: [consumer] } } }');
    }
    const text = lines.join('\n');
    assert.deepEqual(ours(text), reference(text));
  });
});

describe('YAML features read as `yaml` 2 reads them', () => {
  test('scalars: 1.2 booleans only (yes / on / off stay strings), 1.2 integers (0b / +0x stay strings), floats, nulls, no timestamps', () => {
    const scalars = [
      'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'ON', 'Off', 'true', 'True', 'TRUE', 'false', 'FALSE',
      '~', 'null', 'Null', 'NULL', '', '.inf', '-.Inf', '+.inf', '.NaN',
      '0o17', '017', '010', '0x1F', '0b101', '+0x10', '1_000', '+12', '-0', '12345678901234567890',
      '1e3', '1E3', '.5', '1.', '1.0', '-1.5e-3', '1e+3', '3.0.0', '2.6', '0.95', '2024-01-01', '2024-01-01T10:00:00Z', '12:30', '0x_1',
    ];
    for (const s of scalars) {
      const expected = (reference(`v: ${s}`) as { v: unknown }).v;
      const actual = (ours(`v: ${s}`) as { v: unknown }).v;
      assert.ok(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)), `${JSON.stringify(s)}: ${String(actual)} (${typeof actual}) vs yaml ${String(expected)} (${typeof expected})`);
    }
    assert.deepEqual(ours('a: on\nb: yes\nc: 0b101\nd: +0x10\n'), { a: 'on', b: 'yes', c: '0b101', d: '+0x10' });
  });

  test('YAML 1.1 boolean words as keys stay strings', () => {
    const text = 'on:\n  enum: [on, off, yes, no]\noff: 1\n';
    assert.deepEqual(ours(text), reference(text));
    assert.deepEqual(Object.keys(ours(text) as object), ['on', 'off']);
  });

  test('multi-line strings: literal, folded, chomping indicators, multi-line plain and quoted scalars', () => {
    const docs = [
      'a: |\n  line1\n  line2\n\n',
      'a: |-\n  line1\n  line2\n',
      'a: |+\n  line1\n\n\nb: 1',
      'a: |2\n    indented\n  text\n',
      'a: >\n  folded\n  text\n\n  para\n',
      'a: >-\n  x\n   more indented\n  y\n',
      'a: plain\n  multi\n  line\n',
      'a: "dq \\\n  cont\\t \\u00e9 \\x41"\n',
      "a: 'sq ''x''\n  next'\n",
      'description: |\n  **Markdown** with a [link](https://example.com).\n\n  - item\n  - item 2\n',
      'metrics:\n  - name: errors\n    description: |+\n      kept\n\n',
    ];
    for (const d of docs) assert.deepEqual(ours(d), reference(d), JSON.stringify(d));
  });

  test('anchors and aliases: shared objects, `<<` is a plain key (no merge in YAML 1.2), anchors in flow collections', () => {
    const docs = [
      'x: &a {k: 1}\ny: *a\nz: [*a, *a]\n',
      'base: &b\n  type: object\nm:\n  <<: *b\n  extra: 1\n',
      's: &s text\nt: *s\n',
      'list: &l\n  - 1\n  - 2\nagain: *l\n',
      'metrics:\n  - name: a\n    tolerance: &tol { relative: 0.2, absolute: 0.004 }\n  - name: b\n    tolerance: *tol\n',
    ];
    for (const d of docs) assert.deepEqual(ours(d), reference(d), JSON.stringify(d));
    const v = ours('x: &a {k: 1}\ny: *a\n') as { x: object; y: object };
    assert.equal(v.x, v.y, 'an alias is its anchor (not a copy)');
  });

  test('other syntax: document markers, directives, comments, complex keys, tags, quoted keys, empty documents', () => {
    const docs = ['%YAML 1.2\n---\na: 1\n', '---\na: 1\n...\n', 'a: 1 # comment\n', '? complex\n: v\n', 'k: !!str 12\n', '"quoted key": 1\n', 'a: 2001:db8::1\n', '# only a comment\n', '', '---\n'];
    for (const d of docs) assert.deepEqual(ours(d), reference(d), JSON.stringify(d));
  });
});
