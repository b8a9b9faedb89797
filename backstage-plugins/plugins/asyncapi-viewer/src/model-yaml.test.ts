/**
 * AsyncAPI documents in YAML, read by @api-observatory/safe-yaml (its parser tests, against `yaml` 2 on the
 * catalog's AsyncAPI definitions too, are in packages/safe-yaml/test). Here: what the viewer makes of it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAsyncApi } from './model';

/** An alias bomb: `levels` anchors, each a list of `width` aliases of the previous one (width^levels leaves). */
function aliasBomb(levels: number, width = 10, prefix = 'asyncapi: 3.0.0\ninfo: {title: bomb, version: "1"}\n'): string {
  const lines = [`${prefix}l0: &l0 [${Array(width).fill('lol').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n');
}

test('YAML 1.1 boolean words as keys and values of an AsyncAPI document stay strings', () => {
  const r = parseAsyncApi(`asyncapi: 3.0.0
info: {title: Switches, version: "1"}
channels:
  on:
    address: switches.on
    messages:
      toggled:
        payload:
          type: object
          properties:
            state: {type: string, enum: [on, off, yes, no]}
  off:
    address: switches.off
`);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.view.channels.map((c) => c.key), ['on', 'off']);
  const payload = r.view.channels[0].messages[0].payload as { properties: { state: { enum: unknown[] } } };
  assert.deepEqual(payload.properties.state.enum, ['on', 'off', 'yes', 'no']);
});

test('a YAML error shows with its line and column (a duplicate key)', () => {
  const r = parseAsyncApi('asyncapi: 3.0.0\ninfo:\n  title: a\n  title: b\n');
  assert.deepEqual(r, { ok: false, error: { message: 'Duplicated mapping key', line: 4, column: 3 } });
});

describe('alias bombs are refused before the viewer walks the document', () => {
  test('billion laughs (10^9 leaves), quickly', () => {
    const t0 = performance.now();
    const r = parseAsyncApi(aliasBomb(9));
    const ms = performance.now() - t0;
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.message, /alias expansion/i);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  test('a bomb hidden in an extension field of a channel', () => {
    const doc = `asyncapi: 3.0.0\ninfo: {title: t, version: "1"}\nchannels:\n  a:\n    address: a\n    x-bomb:\n${aliasBomb(8, 10, '').split('\n').map((l) => `      ${l}`).join('\n')}\n`;
    assert.equal(parseAsyncApi(doc).ok, false);
  });

  test('ordinary reuse is accepted: one anchored schema referenced by 500 messages', () => {
    const lines = ['asyncapi: 3.0.0', 'info: {title: t, version: "1"}', 'x-shared: &envelope', '  type: object', '  properties:', ...Array.from({ length: 50 }, (_, i) => `    f${i}: {type: string, description: field ${i}}`), 'channels:'];
    for (let i = 0; i < 500; i++) lines.push(`  c${i}:`, `    address: c${i}`, '    messages:', `      m${i}:`, '        payload: *envelope');
    const r = parseAsyncApi(lines.join('\n'));
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    if (r.ok) assert.equal(r.view.channels.length, 500);
  });
});
