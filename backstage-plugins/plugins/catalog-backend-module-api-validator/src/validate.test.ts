import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { validateDefinition } from './validate';
import { RULES } from './rules';
import type { ValidatorOptions } from './types';
import { aas26, aas30, oas30, oas31, swagger2 } from './__fixtures__/docs';

type Doc = Record<string, any>;
const CATALOG = path.resolve(__dirname, '../../../catalog/apis');

function run(type: string, doc: Doc | string, options?: ValidatorOptions & { gatewayApiName?: string }) {
  const definition = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return validateDefinition({ type, definition, gatewayApiName: options?.gatewayApiName }, options);
}
/** Asserts that `rule` reports a finding whose message matches `re`, with the rule's default severity. */
function expectFinding(type: string, doc: Doc | string, rule: string, re: RegExp, options?: ValidatorOptions & { gatewayApiName?: string }) {
  const r = run(type, doc, options);
  const hit = r.findings.find((f) => f.rule === rule && re.test(f.message));
  assert.ok(hit, `expected [${rule}] ${re} in:\n${r.findings.map((f) => `  [${f.rule}] ${f.message}`).join('\n')}`);
  assert.equal(hit.severity, RULES[rule]!.severity);
  return r;
}
const clean = (type: string, doc: Doc | string, options?: ValidatorOptions) => {
  const r = run(type, doc, options);
  assert.deepEqual(r.findings, [], r.findings.map((f) => `[${f.rule}] ${f.message}`).join('\n'));
  return r;
};

describe('the sample catalog', () => {
  for (const file of readdirSync(CATALOG).filter((f) => f.endsWith('.yaml') && !f.startsWith('invalid'))) {
    test(`${file} has no errors`, () => {
      const entity = parse(readFileSync(path.join(CATALOG, file), 'utf8'));
      const ann = entity.metadata.annotations ?? {};
      const r = run(entity.spec.type, entity.spec.definition, { gatewayApiName: ann['api-observatory.io/gateway'] ? ann['api-observatory.io/api-name'] : undefined });
      assert.equal(r.errors, 0, r.findings.map((f) => `[${f.rule}] ${f.message}`).join('\n'));
      assert.match(r.detected ?? '', /^(openapi 3\.[01]|asyncapi [23])\./);
    });
  }
  // The 3.0 event contracts (governance and canary-gate events on Kafka) are the pack's own: no warnings either.
  test('the AsyncAPI 3.0 samples have no warnings', () => {
    const checked: string[] = [];
    for (const file of readdirSync(CATALOG).filter((f) => f.endsWith('.yaml') && !f.startsWith('invalid'))) {
      const entity = parse(readFileSync(path.join(CATALOG, file), 'utf8'));
      const r = run(entity.spec.type, entity.spec.definition);
      if (r.detected !== 'asyncapi 3.0.0') continue;
      assert.equal(r.warnings, 0, `${file}: ${r.findings.map((f) => `[${f.rule}] ${f.message}`).join('\n')}`);
      checked.push(file);
    }
    assert.ok(checked.includes('canary-gate-events.yaml') && checked.includes('governance-events.yaml'), checked.join(', '));
  });
  test('the deliberately invalid sample fails with the expected rules', () => {
    const entity = parse(readFileSync(path.join(CATALOG, 'invalid-legacy-returns.yaml'), 'utf8'));
    const r = run(entity.spec.type, entity.spec.definition);
    const rules = new Set(r.findings.filter((f) => f.severity === 'error').map((f) => f.rule));
    for (const rule of ['operation-operationId-unique', 'security-schemes-defined', 'ref-resolves', 'path-params-defined', 'structure']) assert.ok(rules.has(rule), `${rule} in ${[...rules].join(', ')}`);
  });
});

describe('valid documents of every supported version', () => {
  test('OpenAPI 3.0', () => assert.equal(clean('openapi', oas30()).detected, 'openapi 3.0.3'));
  test('OpenAPI 3.1', () => assert.equal(clean('openapi', oas31()).detected, 'openapi 3.1.0'));
  test('Swagger 2.0', () => assert.equal(clean('openapi', swagger2()).detected, 'swagger 2.0'));
  test('AsyncAPI 2.6', () => assert.equal(clean('asyncapi', aas26()).detected, 'asyncapi 2.6.0'));
  test('AsyncAPI 3.0', () => assert.equal(clean('asyncapi', aas30()).detected, 'asyncapi 3.0.0'));
  test('YAML input', () => void clean('openapi', stringify(oas30())));
  test('OpenAPI 3.1 without paths but with webhooks', () => {
    const d = oas31();
    delete (d as Doc).paths;
    (d as Doc).webhooks = {};
    delete (d as Doc).security;
    delete (d.components as Doc).securitySchemes;
    clean('openapi', d);
  });
});

describe('document and version rules', () => {
  test('document-parse: broken YAML', () => void expectFinding('openapi', 'openapi: 3.0.3\ninfo: [unclosed', 'document-parse', /invalid YAML/));
  test('document-parse: duplicate keys', () => void expectFinding('openapi', 'openapi: 3.0.3\nopenapi: 3.1.0\n', 'document-parse', /unique/i));
  test('structure: not an object', () => void expectFinding('openapi', '- a\n- b\n', 'structure', /must be a YAML\/JSON object/));
  test('spec-version: unsupported OpenAPI version', () => void expectFinding('openapi', { ...oas30(), openapi: '4.0.0' }, 'spec-version', /unsupported `openapi` version "4.0.0"/));
  test('spec-version: numeric version', () => void expectFinding('openapi', 'openapi: 3.0\ninfo: {}\n', 'spec-version', /expected a string/));
  test('spec-version: Swagger 1.2', () => void expectFinding('openapi', { ...swagger2(), swagger: '1.2' }, 'spec-version', /"1.2"/));
  test('spec-version: AsyncAPI 1.2', () => void expectFinding('asyncapi', { ...aas26(), asyncapi: '1.2.0' }, 'spec-version', /2\.x\.y or 3\.x\.y/));
  test('spec-version: type mismatch', () => {
    expectFinding('openapi', aas26(), 'spec-version', /spec.type is openapi, but the definition is an AsyncAPI/);
    expectFinding('asyncapi', oas30(), 'spec-version', /spec.type is asyncapi, but the definition is an OpenAPI/);
  });
  test('spec-version: neither', () => void expectFinding('openapi', { info: {} }, 'spec-version', /neither `openapi` nor `swagger`/));
});

describe('OpenAPI rules', () => {
  for (const [name, make] of [['3.0', oas30], ['3.1', oas31], ['2.0', swagger2]] as const) {
    const opOf = (d: Doc) => (name === '2.0' ? d.paths['/payments'].post : d.paths['/orders/{id}'].get);
    test(`${name} structure: info.title and a numeric info.version`, () => {
      const d: Doc = make();
      delete d.info.title;
      d.info.version = 1.0;
      expectFinding('openapi', d, 'structure', /info.title/);
      expectFinding('openapi', d, 'structure', /info.version` must be a string/);
    });
    test(`${name} info-description`, () => {
      const d: Doc = make();
      delete d.info.description;
      expectFinding('openapi', d, 'info-description', /info.description/);
    });
    test(`${name} operation-operationId`, () => {
      const d: Doc = make();
      delete opOf(d).operationId;
      expectFinding('openapi', d, 'operation-operationId', /has no operationId/);
    });
    test(`${name} operation-description`, () => {
      const d: Doc = make();
      delete opOf(d).summary;
      delete opOf(d).description;
      expectFinding('openapi', d, 'operation-description', /neither summary nor description/);
    });
    test(`${name} operation-success-response and response description`, () => {
      const d: Doc = make();
      opOf(d).responses = { '404': {} };
      expectFinding('openapi', d, 'operation-success-response', /no 2xx or 3xx/);
      expectFinding('openapi', d, 'structure', /response 404 needs a `description`/);
    });
    test(`${name} security-schemes-defined and -referenced`, () => {
      const d: Doc = make();
      d.security = [{ oauth: [] }];
      expectFinding('openapi', d, 'security-schemes-defined', /names `oauth`, which is not defined/);
      expectFinding('openapi', d, 'security-schemes-referenced', /is defined but never required/);
    });
    test(`${name} servers-defined`, () => {
      const d: Doc = make();
      delete d.servers;
      delete d.host;
      expectFinding('openapi', d, 'servers-defined', /no `(servers|host)`/);
    });
  }
  test('structure: scopes only for OAuth2 / OpenID Connect (2.0, 3.0), role names allowed in 3.1', () => {
    const d: Doc = oas30();
    d.paths['/orders/{id}'].get.security = [{ bearer: ['write'] }];
    expectFinding('openapi', d, 'structure', /`bearer` lists scopes, but its scheme is http: the list must be empty/);
    d.openapi = '3.1.0';
    clean('openapi', d);
  });
  test('operation-operationId-unique', () => {
    const d: Doc = oas30();
    d.paths['/orders'] = { get: { operationId: 'getOrder', summary: 's', responses: { '200': { description: 'ok' } } } };
    expectFinding('openapi', d, 'operation-operationId-unique', /`getOrder` of GET \/orders is already used by GET \/orders\/\{id\}/);
  });
  test('path-params-defined: template parameter not declared, declared one not in template', () => {
    const d: Doc = oas30();
    d.paths['/orders/{orderId}'] = d.paths['/orders/{id}'];
    delete d.paths['/orders/{id}'];
    expectFinding('openapi', d, 'path-params-defined', /path parameter \{orderId\} is not declared/);
    expectFinding('openapi', d, 'path-params-defined', /`id` is declared `in: path` but is not in the path template/);
  });
  test('structure: path parameter not required, parameter without schema, bad in', () => {
    const d: Doc = oas30();
    d.paths['/orders/{id}'].parameters = [{ name: 'id', in: 'path' }, { name: 'q', in: 'body', schema: {} }];
    expectFinding('openapi', d, 'structure', /`id` must have `required: true`/);
    expectFinding('openapi', d, 'structure', /`id` needs a `schema` or `content`/);
    expectFinding('openapi', d, 'structure', /needs a `name` and `in` \(one of query, header, path, cookie\)/);
  });
  test('structure: 3.0 requires paths and responses, 3.1 does not require responses', () => {
    const d: Doc = oas30();
    delete d.paths['/orders/{id}'].get.responses;
    expectFinding('openapi', d, 'structure', /has no `responses`/);
    d.openapi = '3.1.0';
    expectFinding('openapi', d, 'operation-success-response', /declares no responses/);
    const e: Doc = oas30();
    delete e.paths;
    expectFinding('openapi', e, 'structure', /`paths` is required/);
  });
  test('structure: bad response code, path without slash, security scheme without type', () => {
    const d: Doc = oas30();
    d.paths['/orders/{id}'].get.responses['20x'] = { description: 'x' };
    d.paths.orders = {};
    d.components.securitySchemes.bearer = { scheme: 'bearer' };
    expectFinding('openapi', d, 'structure', /response key `20x`/);
    expectFinding('openapi', d, 'structure', /path `orders` must start with \//);
    expectFinding('openapi', d, 'structure', /security scheme bearer: `type` must be one of/);
  });
  test('operation-gateway-route for gateway-served APIs only', () => {
    const d: Doc = oas30();
    expectFinding('openapi', d, 'operation-gateway-route', /has no x-gateway-route/, { gatewayApiName: 'orders' });
    d.paths['/orders/{id}'].get['x-gateway-route'] = 'payments-get';
    expectFinding('openapi', d, 'operation-gateway-route', /should be `orders-<operation>`/, { gatewayApiName: 'orders' });
    d.paths['/orders/{id}'].get['x-gateway-route'] = 'orders-get';
    clean('openapi', d);
  });
  test('rule severities are configurable, fixed rules are not', () => {
    const d: Doc = oas30();
    delete d.info.description;
    d.paths['/x'] = { $ref: 'https://evil.example/x.yaml' };
    const r = run('openapi', d, { rules: { 'info-description': 'error', 'ref-external': 'off' } });
    assert.equal(r.findings.find((f) => f.rule === 'info-description')?.severity, 'error');
    assert.ok(r.findings.some((f) => f.rule === 'ref-external'));
    const off = run('openapi', d, { rules: { 'info-description': 'off' } });
    assert.ok(!off.findings.some((f) => f.rule === 'info-description'));
  });
});

describe('$ref rules', () => {
  test('ref-resolves: missing local target, counted once', () => {
    const d: Doc = oas30();
    d.paths['/orders/{id}'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Missing' };
    d.components.schemas.Order.properties.other = { $ref: '#/components/schemas/Missing' };
    const r = expectFinding('openapi', d, 'ref-resolves', /\$ref #\/components\/schemas\/Missing does not resolve \(used 2 times\)/);
    assert.equal(r.findings.filter((f) => f.rule === 'ref-resolves').length, 1);
  });
  test('ref-resolves: recursive schemas are fine, circular $ref chains are not', () => {
    const d: Doc = oas30();
    clean('openapi', d); // Order.children.items → Order
    d.components.schemas.A = { $ref: '#/components/schemas/B' };
    d.components.schemas.B = { $ref: '#/components/schemas/A' };
    expectFinding('openapi', d, 'ref-resolves', /circular \$ref chain: #\/components\/schemas\/A → #\/components\/schemas\/B → #\/components\/schemas\/A/);
  });
  test('ref-resolves: escaped pointer segments', () => {
    const d: Doc = oas30();
    d.components.schemas.Order.properties.self = { $ref: '#/paths/~1orders~1%7Bid%7D/get' };
    clean('openapi', d);
  });
});

describe('AsyncAPI rules', () => {
  test('2.x structure: channels required, server url/protocol', () => {
    const d: Doc = aas26();
    delete d.channels;
    delete d.servers.prod.protocol;
    expectFinding('asyncapi', d, 'structure', /`channels` is required/);
    expectFinding('asyncapi', d, 'structure', /server prod needs `protocol`/);
  });
  test('2.x asyncapi-message-present and asyncapi-payload-present', () => {
    const d: Doc = aas26();
    d.channels.other = { publish: { operationId: 'pub', summary: 'x' } };
    delete d.components.messages.Stock.payload;
    expectFinding('asyncapi', d, 'asyncapi-message-present', /operation publish other has no message/);
    expectFinding('asyncapi', d, 'asyncapi-payload-present', /message `Stock` has no payload schema/);
  });
  test('2.x oneOf messages are checked each', () => {
    const d: Doc = aas26();
    d.channels['stock/{sku}'].subscribe.message = { oneOf: [{ $ref: '#/components/messages/Stock' }, { name: 'Bare' }] };
    expectFinding('asyncapi', d, 'asyncapi-payload-present', /message `Bare` has no payload/);
  });
  test('2.x operationId present and unique, description', () => {
    const d: Doc = aas26();
    d.channels.other = { publish: { operationId: 'onStock', message: { payload: {} } } };
    expectFinding('asyncapi', d, 'operation-operationId-unique', /`onStock` of publish other is already used by subscribe stock\/\{sku\}/);
    expectFinding('asyncapi', d, 'operation-description', /publish other has neither/);
    delete d.channels.other.publish.operationId;
    expectFinding('asyncapi', d, 'operation-operationId', /has no operationId/);
  });
  test('2.x channel-params-defined', () => {
    const d: Doc = aas26();
    delete d.channels['stock/{sku}'].parameters;
    expectFinding('asyncapi', d, 'channel-params-defined', /parameter \{sku\} is not declared/);
  });
  test('2.x security schemes defined and referenced', () => {
    const d: Doc = aas26();
    d.servers.prod.security = [{ mtls: [] }];
    expectFinding('asyncapi', d, 'security-schemes-defined', /names `mtls`/);
    expectFinding('asyncapi', d, 'security-schemes-referenced', /`sasl` is defined but never used/);
  });
  test('2.x and 3.x servers-defined, info-description', () => {
    for (const make of [aas26, aas30]) {
      const d: Doc = make();
      delete d.servers;
      delete d.info.description;
      expectFinding('asyncapi', d, 'servers-defined', /no `servers`/);
      expectFinding('asyncapi', d, 'info-description', /info.description/);
    }
  });
  test('3.x structure: action, channel ref, server host', () => {
    const d: Doc = aas30();
    d.operations.onSent.action = 'publish';
    delete d.servers.prod.host;
    expectFinding('asyncapi', d, 'structure', /`action` must be send or receive/);
    expectFinding('asyncapi', d, 'structure', /server prod needs `host`/);
    d.operations.onSent.channel = 'sent';
    expectFinding('asyncapi', d, 'structure', /`channel` must be a \$ref to a channel/);
  });
  test('3.x operation messages must belong to the channel', () => {
    const d: Doc = aas30();
    d.channels.other = { address: 'other', messages: { X: { payload: {} } } };
    d.operations.onSent.messages = [{ $ref: '#/channels/other/messages/X' }];
    expectFinding('asyncapi', d, 'structure', /message #\/channels\/other\/messages\/X is not a message of its channel #\/channels\/sent/);
  });
  test('3.x asyncapi-message-present and -payload-present', () => {
    const d: Doc = aas30();
    delete d.operations.onSent.messages;
    d.channels.sent.messages = {};
    expectFinding('asyncapi', d, 'asyncapi-message-present', /neither the operation nor its channel #\/channels\/sent has messages/);
    const e: Doc = aas30();
    delete e.components.messages.Sent.payload;
    expectFinding('asyncapi', e, 'asyncapi-payload-present', /message `Sent` has no payload/);
  });
  test('3.x channel-params-defined from the address', () => {
    const d: Doc = aas30();
    d.channels.sent.parameters = {};
    expectFinding('asyncapi', d, 'channel-params-defined', /`notifications.\{tenant\}.sent`: parameter \{tenant\}/);
  });
  test('3.x security: $ref into securitySchemes, unused schemes', () => {
    const d: Doc = aas30();
    d.servers.prod.security = [{ $ref: '#/components/messages/Sent' }];
    expectFinding('asyncapi', d, 'security-schemes-defined', /does not point into components.securitySchemes/);
    expectFinding('asyncapi', d, 'security-schemes-referenced', /`sasl` is defined but never used/);
  });
  test('3.x operation-description', () => {
    const d: Doc = aas30();
    delete d.operations.onSent.summary;
    expectFinding('asyncapi', d, 'operation-description', /operation onSent has neither/);
  });
});
