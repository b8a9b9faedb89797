import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { filterChannels, parseAsyncApi, type AsyncApiView } from './model';
import { deref, resolvePointer, safeStringify } from './refs';
import { ASYNCAPI_31, catalogDefinition, generated3 } from './testUtils/fixtures';

function view(text: string): AsyncApiView {
  const r = parseAsyncApi(text);
  if (!r.ok) assert.fail(`parse failed: ${r.error.message}`);
  return r.view;
}

describe('parsing', () => {
  test('AsyncAPI 2.6 (inventory-events): channels, publish/subscribe mapped to send/receive, oneOf messages', () => {
    const v = view(catalogDefinition('inventory-events.yaml'));
    assert.equal(v.major, 2);
    assert.equal(v.asyncapi, '2.6.0');
    assert.equal(v.info.title, 'Inventory Events');
    assert.equal(v.servers[0].url, 'kafka.acme.example:9092');
    assert.equal(v.servers[0].protocol, 'kafka');
    const stock = v.channels.find((c) => c.key === 'inventory.stock-changed.v1')!;
    assert.equal(stock.operations[0].key, 'onStockChanged');
    assert.equal(stock.operations[0].legacyAction, 'subscribe');
    assert.equal(stock.operations[0].action, 'send');
    assert.equal(stock.messages[0].name, 'StockChanged');
    assert.equal(stock.messages[0].ref, '#/components/messages/StockChanged');
    assert.equal((stock.bindings as { kafka: { partitions: number } }).kafka.partitions, 6);
    const reservation = v.channels.find((c) => c.key === 'inventory.reservation.v1')!;
    assert.ok(reservation.messages.length >= 2, 'oneOf expands into its messages');
  });

  test('2.x publish maps to receive', () => {
    const v = view('asyncapi: 2.0.0\ninfo: {title: t, version: "1"}\nchannels:\n  a:\n    publish:\n      message:\n        name: M\n        payload: {type: string}\n');
    assert.equal(v.operations[0].action, 'receive');
    assert.equal(v.operations[0].legacyAction, 'publish');
    assert.equal(v.channels[0].messages[0].name, 'M');
  });

  test('AsyncAPI 3.0 (notification-events): operations bound to channels, message refs into the channel', () => {
    const v = view(catalogDefinition('notification-events.yaml'));
    assert.equal(v.major, 3);
    const ch = v.channels[0];
    assert.equal(ch.key, 'notificationDelivery');
    assert.equal(ch.address, 'notifications.delivery.v1');
    assert.deepEqual(ch.messages.map((m) => m.name), ['NotificationSent', 'NotificationFailed']);
    assert.deepEqual(ch.operations.map((o) => [o.key, o.action]), [['publishDelivery', 'send'], ['consumeDelivery', 'receive']]);
    assert.deepEqual(ch.operations[0].messages.map((m) => m.name), ['NotificationSent', 'NotificationFailed']);
    assert.equal(ch.operations[1].messages.length, 2, 'no messages listed: all of the channel');
    assert.equal(v.servers[0].url, 'kafka.acme.example:9092');
  });

  test('AsyncAPI 3.1: traits, tags, parameters, bindings', () => {
    const v = view(ASYNCAPI_31);
    assert.equal(v.asyncapi, '3.1.0');
    assert.deepEqual(v.warnings, []);
    const created = v.channels.find((c) => c.key === 'orderCreated')!;
    const msg = created.messages[0];
    assert.equal(msg.name, 'OrderCreated');
    assert.ok(msg.headers, 'headers come from the message trait');
    assert.equal(msg.examples.length, 1);
    assert.deepEqual(v.tagNames, ['billing', 'checkout']);
    const audit = v.channels.find((c) => c.key === 'orderAudit')!;
    assert.deepEqual(audit.parameters[0].enum, ['eu', 'us']);
    assert.equal(audit.operations[0].action, 'receive');
  });

  test('JSON documents parse too', () => {
    const v = view(JSON.stringify({ asyncapi: '3.0.0', info: { title: 'J', version: '1' }, channels: { a: { address: 'a' } } }));
    assert.equal(v.channels[0].key, 'a');
  });

  test('malformed YAML gives an error with its position', () => {
    const r = parseAsyncApi('asyncapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n');
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.error.line !== undefined && r.error.message.length > 0);
  });

  test('non-AsyncAPI, unsupported versions, empty input', () => {
    for (const [text, re] of [
      ['openapi: 3.1.0', /no `asyncapi` version/],
      ['- a\n- b', /expected a mapping/],
      ['asyncapi: 1.2.0', /not supported/],
      ['   ', /empty/],
    ] as const) {
      const r = parseAsyncApi(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.error.message, re);
    }
  });

  test('newer minor versions render with a warning', () => {
    const r = parseAsyncApi('asyncapi: 3.2.0\ninfo: {title: t, version: "1"}');
    assert.ok(r.ok && r.view.warnings.length === 1);
  });

  test('YAML alias bombs are refused (alias expansion check)', () => {
    const bomb = ['asyncapi: 3.0.0', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    let prev = 'a';
    for (const n of 'bcdefghi') {
      bomb.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(', ')}]`);
      prev = n;
    }
    const r = parseAsyncApi(bomb.join('\n'));
    assert.equal(r.ok, false);
  });

  test('500 channels parse quickly', () => {
    const text = generated3(500);
    const t0 = performance.now();
    const v = view(text);
    const ms = performance.now() - t0;
    assert.equal(v.channels.length, 500);
    assert.equal(v.operations.length, 500);
    assert.ok(ms < 2000, `parse took ${ms} ms`);
  });
});

describe('$ref resolution', () => {
  let fetchCalls = 0;
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    fetchCalls = 0;
    globalThis.fetch = (async () => {
      fetchCalls++;
      throw new Error('no network');
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  const root = {
    components: { schemas: { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' }, 'a/b': { type: 'string' }, C: { type: 'integer' } } },
    list: [{ x: 1 }],
  };

  test('JSON pointers with escapes, arrays and percent-encoding', () => {
    assert.deepEqual(resolvePointer(root, '#/components/schemas/a~1b'), { found: true, value: { type: 'string' } });
    assert.deepEqual(resolvePointer(root, '#/list/0/x'), { found: true, value: 1 });
    assert.deepEqual(resolvePointer(root, '#/components/schemas/a%7E1b'), { found: true, value: { type: 'string' } });
    assert.deepEqual(resolvePointer(root, '#/list/5'), { found: false });
  });

  test('inherited properties are never followed', () => {
    assert.deepEqual(resolvePointer(root, '#/__proto__'), { found: false });
    assert.deepEqual(resolvePointer(root, '#/components/constructor'), { found: false });
  });

  test('ref chains resolve; cycles are detected, not followed forever', () => {
    assert.equal(deref(root, { $ref: '#/components/schemas/C' }).status, 'ok');
    const d = deref(root, { $ref: '#/components/schemas/A' });
    assert.equal(d.status, 'circular');
    assert.equal(deref(root, { $ref: '#/components/schemas/C' }, ['#/components/schemas/C']).status, 'circular');
  });

  test('remote refs are reported as external and never fetched', () => {
    assert.equal(deref(root, { $ref: 'https://evil.example/x.json' }).status, 'external');
    assert.equal(deref(root, { $ref: 'other.yaml#/x' }).status, 'external');
    const v = view(ASYNCAPI_31);
    assert.ok(v.channels.length > 0);
    assert.equal(fetchCalls, 0);
  });

  test('missing refs are reported', () => {
    assert.equal(deref(root, { $ref: '#/nope' }).status, 'missing');
    const v = view('asyncapi: 3.0.0\ninfo: {title: t, version: "1"}\nchannels:\n  a:\n    messages:\n      m:\n        $ref: "#/components/messages/Gone"\n');
    assert.match(v.channels[0].messages[0].unresolved ?? '', /missing/);
  });

  test('cyclic objects from YAML anchors print safely', () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    assert.match(safeStringify(a), /circular/);
  });
});

describe('search and filter', () => {
  const v = view(generated3(500));
  test('by channel, operation, message name, and by tag', () => {
    assert.equal(filterChannels(v.channels, { query: '', scope: 'all', tag: '' }).length, 500);
    assert.deepEqual(filterChannels(v.channels, { query: 'topic.499', scope: 'channel', tag: '' }).map((c) => c.key), ['ch499']);
    assert.deepEqual(filterChannels(v.channels, { query: 'OP499', scope: 'operation', tag: '' }).map((c) => c.key), ['ch499']);
    assert.deepEqual(filterChannels(v.channels, { query: 'message123', scope: 'message', tag: '' }).map((c) => c.key), ['ch123']);
    assert.equal(filterChannels(v.channels, { query: 'message123', scope: 'channel', tag: '' }).length, 0);
    assert.equal(filterChannels(v.channels, { query: '', scope: 'all', tag: 'tenth' }).length, 50);
    assert.deepEqual(filterChannels(v.channels, { query: 'ch10', scope: 'all', tag: 'tenth' }).map((c) => c.key), ['ch10', 'ch100']);
  });
});
