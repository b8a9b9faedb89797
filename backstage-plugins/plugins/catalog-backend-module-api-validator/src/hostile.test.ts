import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { validateDefinition } from './validate';
import { externalRefAllowed } from './context';
import { flowNestingDepth, scanText } from './parse';
import { oas30, aas26 } from './__fixtures__/docs';
import { generateOpenApi } from '../bench/generate';

type Doc = Record<string, any>;
const openapi = (definition: string, options = {}) => validateDefinition({ type: 'openapi', definition }, options);
const timed = <T>(fn: () => T): [T, number] => {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
};
const limitFinding = (r: ReturnType<typeof openapi>) => r.findings.find((f) => f.rule === 'document-limits');

/** The classic billion laughs, `levels` deep, each level 9 aliases of the previous one. */
export function aliasBomb(levels: number): string {
  const names = 'abcdefghijklmnop'.split('');
  const lines = ['openapi: 3.0.3', 'info: { title: bomb, version: "1" }', 'paths: {}', 'x-bomb:', `  ${names[0]}: &${names[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < levels; i++) lines.push(`  ${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

describe('hostile input is refused quickly with a clear error', () => {
  test('YAML alias bomb (7 and 10 levels): refused by the alias expansion limit in well under a second', () => {
    for (const levels of [7, 10]) {
      const [r, ms] = timed(() => openapi(aliasBomb(levels)));
      const f = limitFinding(r);
      assert.ok(f, JSON.stringify(r.findings));
      assert.match(f.message, /YAML aliases expand beyond the limit: .* \(apiValidator\.limits\.maxNodes, apiValidator\.limits\.maxAliasExpansion\)/);
      assert.ok(ms < 1_000, `${levels} levels took ${ms} ms`);
    }
  });
  test('a few legitimate aliases are fine', () => {
    const d = 'openapi: 3.0.3\ninfo: { title: t, version: "1", description: d }\nservers: [{ url: "https://x" }]\npaths:\n  /a:\n    get: &op\n      operationId: a\n      summary: s\n      responses: { "200": { description: ok } }\n  /b:\n    get:\n      <<: *op\n      operationId: b\n';
    const r = openapi(d);
    assert.equal(r.errors, 0, JSON.stringify(r.findings));
  });
  test('circular YAML alias (a node containing itself) is reported, not walked forever', () => {
    const [r, ms] = timed(() => openapi('openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths: {}\nx-loop: &loop\n  self: *loop\n'));
    assert.ok(r.findings.some((f) => f.rule === 'ref-resolves' && /circular YAML alias/.test(f.message)), JSON.stringify(r.findings));
    assert.ok(ms < 1_000);
  });
  test('$ref cycles: A → B → A and a self-reference are errors; resolution terminates', () => {
    const d: Doc = oas30();
    d.components.schemas.A = { $ref: '#/components/schemas/B' };
    d.components.schemas.B = { $ref: '#/components/schemas/A' };
    d.components.schemas.Self = { $ref: '#/components/schemas/Self' };
    d.paths['/orders/{id}'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/A' };
    const [r, ms] = timed(() => openapi(JSON.stringify(d)));
    const cycles = r.findings.filter((f) => f.rule === 'ref-resolves' && /circular \$ref chain/.test(f.message));
    assert.equal(cycles.length, 3, JSON.stringify(r.findings));
    assert.ok(ms < 1_000);
  });
  test('long $ref chains are cut at maxRefHops', () => {
    const d: Doc = oas30();
    for (let i = 0; i < 100; i++) d.components.schemas[`S${i}`] = { $ref: `#/components/schemas/S${i + 1}` };
    d.components.schemas.S100 = { type: 'string' };
    const r = openapi(JSON.stringify(d));
    assert.ok(r.findings.some((f) => /\$ref chain longer than 32 hops/.test(f.message)), JSON.stringify(r.findings.slice(0, 3)));
  });
  test('a 21 MiB document is refused before parsing', () => {
    const big = `openapi: 3.0.3\ninfo:\n  title: big\n  version: "1"\n  description: "${'x'.repeat(21 * 1024 * 1024)}"\npaths: {}\n`;
    const [r, ms] = timed(() => openapi(big));
    assert.match(limitFinding(r)?.message ?? '', /definition is 21\.0 MiB, over the limit of 20\.0 MiB; it was not parsed \(apiValidator\.limits\.maxBytes\)/);
    assert.ok(ms < 500, `${ms} ms`);
    // the limit is configurable
    const small = openapi(JSON.stringify(oas30()), { limits: { maxBytes: 100 } });
    assert.match(limitFinding(small)?.message ?? '', /over the limit of 100 B/);
  });
  test('deep nesting: JSON / flow brackets refused before parsing, block YAML after parsing', () => {
    const deep = `{"openapi":"3.0.3","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const [r, ms] = timed(() => openapi(deep));
    assert.match(limitFinding(r)?.message ?? '', /nests deeper than 64 levels; it was not parsed \(apiValidator\.limits\.maxDepth\)/);
    assert.ok(ms < 1_000, `${ms} ms`);
    let block = 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths: {}\nx-deep:\n';
    for (let i = 1; i < 500; i++) block += `${' '.repeat(i)}k:\n`;
    block += `${' '.repeat(500)}k: v\n`;
    const b = openapi(block);
    assert.match(limitFinding(b)?.message ?? '', /nests deeper than 64 levels \(apiValidator\.limits\.maxDepth\)/);
    // a maxDepth above what the YAML reader reads: its own limit is named
    assert.match(limitFinding(openapi(block, { limits: { maxDepth: 1000 } }))?.message ?? '', /nests deeper than 100 levels, the most the YAML reader reads/);
  });
  test('flow depth pre-scan ignores brackets inside strings and comments', () => {
    assert.equal(flowNestingDepth('a: "[[[["\nb: \'{{{{\'\nc: [1, [2]] # [[[[[\n', 64), 2);
  });
  test('node estimate: lines, entries and flow items; block scalar content and quoted text are skipped', () => {
    // lines a, b: 1 each; `- x`, `- y: 2`: 2 each (entry and content); line c: 1, plus the list, two commas and the map
    assert.equal(scanText('a: 1\nb:\n  - x\n  - y: 2\nc: [1, 2, {d: 3}]\n', 64, Infinity).nodes, 11);
    const described = 'description: |\n  [[[[ ,,,, {{{{\n  - not an entry\n\n  "unclosed\nnext: [1]\n';
    assert.deepEqual(scanText(described, 64, Infinity), { flowDepth: 1, nodes: 3 });
    assert.equal(scanText('a: "x, [y]\n z"\nb: \'{\'\nc: &x !!str "[["\nd: {"e":"[[","f":[1]}\n', 64, Infinity).nodes, 4 + 3);
    // a quote inside a plain scalar is text (as in YAML): it cannot hide the rest of the document
    const hidden = `x: say "hi\ny: [${'[1],'.repeat(99)}[1]]\nz: "\n`;
    assert.deepEqual(scanText(hidden, 64, Infinity), { flowDepth: 2, nodes: 3 + 1 + 100 + 99 });
    assert.match(limitFinding(openapi(`openapi: 3.0.3\n${hidden}`, { limits: { maxNodes: 100 } }))?.message ?? '', /more than 100 nodes; it was not parsed/);
  });
  test('YAML merge keys are applied; a merge of something other than maps is a parse error', () => {
    const d = 'openapi: 3.0.3\ninfo: { title: t, version: "1", description: d }\nservers: [{ url: "https://x" }]\npaths:\n  /a:\n    get: &op\n      operationId: a\n      summary: s\n      responses: { "200": { description: ok } }\n  /b:\n    get:\n      <<: [*op, { summary: other }]\n      operationId: b\n';
    assert.equal(openapi(d).errors, 0, JSON.stringify(openapi(d).findings));
    const bad = openapi('openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths: {}\nx:\n  <<: [1, 2]\n');
    assert.match(bad.findings.find((f) => f.rule === 'document-parse')?.message ?? '', /`<<` merge key needs a map or a list of maps/);
  });
  test('node count and time budget limits', () => {
    const r = openapi(JSON.stringify(oas30()), { limits: { maxNodes: 20 } });
    assert.match(limitFinding(r)?.message ?? '', /more than 20 nodes/);
    const big = generateOpenApi(2_000);
    const slow = openapi(big, { limits: { timeBudgetMs: 0 } });
    assert.match(limitFinding(slow)?.message ?? '', /exceeded its time budget of 0 ms/);
  });
});

describe('external $refs are never followed', () => {
  let server: http.Server;
  let port = 0;
  let hits = 0;
  let dir = '';
  let secret = '';
  const fsCalls: string[] = [];
  const netCalls: string[] = [];
  const restore: Array<() => void> = [];

  const spy = (obj: any, name: string, record: (args: unknown[]) => void) => {
    const orig = obj[name];
    obj[name] = function (this: unknown, ...args: unknown[]) {
      record(args);
      return orig.apply(this, args);
    };
    restore.push(() => {
      obj[name] = orig;
    });
  };

  before(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end('type: object\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-validator-'));
    secret = path.join(dir, 'secret.yaml');
    fs.writeFileSync(secret, 'Secret:\n  type: object\n');
    const fsRecord = (args: unknown[]) => {
      if (String(args[0]).includes(dir)) fsCalls.push(String(args[0]));
    };
    for (const m of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream', 'statSync', 'stat', 'existsSync', 'accessSync']) spy(fs, m, fsRecord);
    for (const m of ['readFile', 'open', 'stat', 'access']) spy(fs.promises, m, fsRecord);
    spy(http, 'request', (a) => netCalls.push(`http ${String(a[0])}`));
    spy(http, 'get', (a) => netCalls.push(`http ${String(a[0])}`));
    spy(https, 'request', (a) => netCalls.push(`https ${String(a[0])}`));
    spy(https, 'get', (a) => netCalls.push(`https ${String(a[0])}`));
    spy(globalThis, 'fetch', (a) => netCalls.push(`fetch ${String(a[0])}`));
  });
  after(async () => {
    for (const r of restore.reverse()) r();
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const refs = () => [
    `http://127.0.0.1:${port}/schemas/order.yaml#/Order`,
    `https://127.0.0.1:${port}/schemas/order.yaml`,
    `file://${secret}#/Secret`,
    `${secret}#/Secret`,
    './secret.yaml#/Secret',
    '../../etc/passwd',
  ];
  const docWithRefs = (): string => {
    const d: Doc = oas30();
    refs().forEach((ref, i) => {
      d.components.schemas[`Ext${i}`] = { $ref: ref };
    });
    return stringify(d);
  };
  const asyncDocWithRefs = (): string => {
    const d: Doc = aas26();
    d.components.messages.Stock.payload = { $ref: `http://127.0.0.1:${port}/payload.json` };
    d.channels['stock/{sku}'].subscribe.message = { $ref: `file://${secret}` };
    return JSON.stringify(d);
  };

  test('not allow-listed: each is an error, zero HTTP hits, zero reads of the file', async () => {
    const r = openapi(docWithRefs());
    const ext = r.findings.filter((f) => f.rule === 'ref-external');
    assert.equal(ext.length, refs().length, JSON.stringify(r.findings));
    for (const ref of refs()) assert.ok(ext.some((f) => f.message.includes(`external $ref ${ref} is not allowed`)), ref);
    const a = validateDefinition({ type: 'asyncapi', definition: asyncDocWithRefs() });
    assert.equal(a.findings.filter((f) => f.rule === 'ref-external').length, 2, JSON.stringify(a.findings));
    await new Promise((res) => setTimeout(res, 300)); // anything asynchronous would have hit by now
    assert.equal(hits, 0, 'HTTP server hits');
    assert.deepEqual(fsCalls, [], 'file accesses');
    assert.deepEqual(netCalls, [], 'network calls');
  });

  test('allow-listed prefixes are accepted without being fetched or read', async () => {
    const r = openapi(docWithRefs(), { allowedRefs: [`http://127.0.0.1:${port}/schemas/`, `file://${dir}/`] });
    const ext = r.findings.filter((f) => f.rule === 'ref-external').map((f) => f.message);
    assert.equal(ext.length, 4, ext.join('\n')); // https (other scheme), absolute path, ./ and ../ stay refused
    assert.ok(!ext.some((m) => m.includes(`http://127.0.0.1:${port}/schemas/`)));
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(hits, 0);
    assert.deepEqual(fsCalls, []);
    assert.deepEqual(netCalls, []);
  });

  test('prefix matching is on the normalized URL; credentials and ../ never match', () => {
    const allow = ['https://schemas.acme.example/'];
    assert.ok(externalRefAllowed('https://schemas.acme.example/a.yaml#/X', allow));
    assert.ok(!externalRefAllowed('https://schemas.acme.example.evil.example/a.yaml', allow));
    assert.ok(!externalRefAllowed('https://schemas.acme.example@evil.example/a.yaml', allow));
    assert.ok(!externalRefAllowed('https://user@schemas.acme.example/a.yaml', allow));
    assert.ok(!externalRefAllowed('https://schemas.acme.example/../../x', ['https://schemas.acme.example/shared/']));
    assert.ok(!externalRefAllowed('./shared/../../secret.yaml', ['./shared/']));
    assert.ok(externalRefAllowed('./shared/a.yaml', ['./shared/']));
    assert.ok(!externalRefAllowed('https://schemas.acme.example/a.yaml', []));
  });
});
