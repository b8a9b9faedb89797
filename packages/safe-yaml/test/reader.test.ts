/** The reader's refusals: malformed YAML (with line and column), duplicate keys, several documents, alias bombs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as referenceParse } from 'yaml';
import { aliasExpansion, parseYaml, readYaml, YamlSyntaxError } from '../src/index';

const referenceRefuses = (text: string) => assert.throws(() => referenceParse(text, { uniqueKeys: true, maxAliasCount: 100 }), undefined, `yaml 2 accepts ${JSON.stringify(text)}`);

describe('malformed YAML: the error names line and column (as `yaml` 2 refuses it too)', () => {
  const cases: Array<[string, string, number, RegExp?]> = [
    ['unclosed flow sequence', 'asyncapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n', 4],
    ['unclosed flow mapping', 'metrics:\n  - name: errors\n    guard: { max: 0.05\n    direction: increase\n', 4],
    ['duplicate key', 'asyncapi: 3.0.0\ninfo:\n  title: a\n  title: b\n', 4, /duplicate/i],
    ['duplicate top-level key', 'name: a\nname: b\n', 2, /duplicate/i],
    ['tab indentation', 'asyncapi: 3.0.0\ninfo:\n\ttitle: a\n', 3],
    ['bad indentation', 'name: a\n  onNoData: hold\n', 2],
    ['unknown alias', 'asyncapi: 3.0.0\ninfo: *nope\n', 2, /alias/i],
    ['two documents', 'asyncapi: 3.0.0\n---\nasyncapi: 2.6.0\n', 2, /single document/i],
    ['two documents after a directive and a comment', '%YAML 1.2\n# c\n--- a: 1\n...\n---\nb: 2\n', 4, /single document/i],
  ];
  for (const [name, text, line, re] of cases) {
    test(name, () => {
      const r = readYaml(text);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.line, line, `${r.error.message} at ${r.error.line}:${r.error.column}`);
      assert.ok(typeof r.error.column === 'number' && r.error.column >= 1);
      if (re) assert.match(r.error.message, re);
      assert.match(r.error.message, /^[A-Z]/);
      referenceRefuses(text);
    });
  }

  test('parseYaml throws a YamlSyntaxError whose message ends with the position', () => {
    assert.deepEqual(parseYaml('a: 1\nb: [2]\n'), { a: 1, b: [2] });
    assert.equal(parseYaml(''), null);
    let error: unknown;
    try {
      parseYaml('name: a\nname: b\n');
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof YamlSyntaxError && error instanceof SyntaxError);
    assert.match(error.message, /^Duplicated mapping key at line 2, column 1$/);
    assert.equal(error.line, 2);
    assert.equal(error.column, 1);
    assert.equal(error.reason, 'Duplicated mapping key');
  });
});

describe('alias bombs (js-yaml has no alias limit: the reader checks the expansion)', () => {
  /** `levels` anchors, each a list of `width` aliases of the previous one (width^levels leaves). */
  function aliasBomb(levels: number, width = 10): string {
    const lines = [`l0: &l0 [${Array(width).fill('lol').join(', ')}]`];
    for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\nmetrics: []\n`;
  }

  test('billion laughs (10^9 leaves), 2^200 and 100^20 leaves are refused, quickly, as `yaml` 2 refuses them', () => {
    for (const text of [aliasBomb(9), aliasBomb(200, 2), aliasBomb(20, 100)]) {
      const t0 = performance.now();
      const r = readYaml(text);
      const ms = performance.now() - t0;
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, /^Excessive YAML alias expansion/);
      assert.ok(ms < 1000, `took ${ms} ms`);
      assert.throws(() => parseYaml(text), YamlSyntaxError);
      referenceRefuses(text);
    }
  });

  test('a bomb nested deep inside a document is refused too', () => {
    const bomb = aliasBomb(8).split('\n').map((l) => `      ${l}`).join('\n');
    assert.equal(readYaml(`asyncapi: 3.0.0\nchannels:\n  a:\n    address: a\n    x-bomb:\n${bomb}\n`).ok, false);
  });

  test('ordinary reuse is accepted: one anchored 50-field schema referenced 500 times', () => {
    const lines = ['x-shared: &envelope', '  type: object', '  properties:', ...Array.from({ length: 50 }, (_, i) => `    f${i}: {type: string, description: field ${i}}`), 'channels:'];
    for (let i = 0; i < 500; i++) lines.push(`  c${i}:`, `    payload: *envelope`);
    const r = readYaml(lines.join('\n'));
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  });

  test('the limits are options', () => {
    const text = 'a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n';
    assert.ok(readYaml(text).ok);
    assert.equal(readYaml(text, { maxExpandedNodes: 50, maxAliasExpansionRatio: 2 }).ok, false);
  });

  test('cyclic anchors do not hang (an alias inside its own anchor)', () => {
    const r = readYaml('a: &a\n  name: loop\n  self: *a\n');
    assert.ok(r.ok);
    if (r.ok) {
      const a = (r.value as { a: { self: unknown } }).a;
      assert.equal(a.self, a);
    }
    assert.deepEqual(aliasExpansion({ x: 1 }, 100), { parsed: 2, expanded: 2 });
  });
});
