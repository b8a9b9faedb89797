/**
 * Deterministic generated API definitions of a given size, shared by the benchmark and the tests:
 * OpenAPI 3.0 with N operations (paths of 4 operations each, shared schemas, parameters, security)
 * and AsyncAPI 2.6 with N channels (one operation and one message per channel).
 */
import { stringify } from 'yaml';

export function generateOpenApiDoc(operations: number): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const resources = Math.ceil(operations / 4);
  let made = 0;
  for (let r = 0; r < resources && made < operations; r++) {
    const name = `Resource${r}`;
    schemas[name] = {
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        name: { type: 'string', maxLength: 200 },
        amount: { type: 'number', minimum: 0 },
        tags: { type: 'array', items: { type: 'string' } },
        parent: { $ref: `#/components/schemas/${name}` },
      },
    };
    const ok = (description: string, ref: string) => ({ description, content: { 'application/json': { schema: { $ref: ref } } } });
    const coll: Record<string, unknown> = {};
    const item: Record<string, unknown> = { parameters: [{ $ref: '#/components/parameters/Id' }] };
    const ops: Array<[Record<string, unknown>, string, Record<string, unknown>]> = [
      [coll, 'get', { operationId: `list${name}`, summary: `List ${name}`, description: `Lists ${name}.`, tags: [name], parameters: [{ $ref: '#/components/parameters/Limit' }], responses: { '200': { description: 'the list', content: { 'application/json': { schema: { type: 'array', items: { $ref: `#/components/schemas/${name}` } } } } }, default: { $ref: '#/components/responses/Error' } } }],
      [coll, 'post', { operationId: `create${name}`, summary: `Create ${name}`, description: `Creates ${name}.`, tags: [name], requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } }, responses: { '201': ok('created', `#/components/schemas/${name}`), default: { $ref: '#/components/responses/Error' } } }],
      [item, 'get', { operationId: `get${name}`, summary: `Get ${name}`, description: `Gets one ${name}.`, tags: [name], responses: { '200': ok('the item', `#/components/schemas/${name}`), '404': { $ref: '#/components/responses/Error' } } }],
      [item, 'delete', { operationId: `delete${name}`, summary: `Delete ${name}`, description: `Deletes one ${name}.`, tags: [name], security: [{ bearer: [] }], responses: { '204': { description: 'deleted' }, default: { $ref: '#/components/responses/Error' } } }],
    ];
    for (const [target, method, op] of ops) {
      if (made >= operations) break;
      target[method] = op;
      made++;
    }
    if (Object.keys(coll).length) paths[`/resources${r}`] = coll;
    if (Object.keys(item).length > 1) paths[`/resources${r}/{id}`] = item;
  }
  return {
    openapi: '3.0.3',
    info: { title: `Generated API with ${operations} operations`, version: '1.0.0', description: 'Generated for the benchmark.', contact: { email: 'api@acme.example' } },
    servers: [{ url: 'https://api.acme.example' }],
    tags: Array.from({ length: resources }, (_, r) => ({ name: `Resource${r}`, description: `Resource ${r}` })),
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: { ...schemas, Error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
      parameters: {
        Id: { name: 'id', in: 'path', required: true, description: 'The id.', schema: { type: 'string' } },
        Limit: { name: 'limit', in: 'query', description: 'Page size.', schema: { type: 'integer', minimum: 1, maximum: 100 } },
      },
      responses: { Error: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

export const generateOpenApi = (operations: number) => stringify(generateOpenApiDoc(operations), { aliasDuplicateObjects: false });

export function generateAsyncApiDoc(channels: number): Record<string, unknown> {
  const ch: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < channels; i++) {
    const name = `Event${i}`;
    schemas[name] = { type: 'object', required: ['id'], properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' }, qty: { type: 'integer' } } };
    messages[name] = { name, title: name, summary: `${name} happened`, contentType: 'application/json', payload: { $ref: `#/components/schemas/${name}` } };
    ch[`acme/{tenant}/event${i}`] = {
      description: `Channel ${i}`,
      parameters: { tenant: { $ref: '#/components/parameters/Tenant' } },
      [i % 2 ? 'publish' : 'subscribe']: { operationId: `on${name}`, summary: `On ${name}`, description: `Handles ${name}.`, message: { $ref: `#/components/messages/${name}` } },
    };
  }
  return {
    asyncapi: '2.6.0',
    info: { title: `Generated events with ${channels} channels`, version: '1.0.0', description: 'Generated for the benchmark.', contact: { email: 'events@acme.example' }, license: { name: 'Apache-2.0' } },
    tags: [{ name: 'events' }],
    servers: { prod: { url: 'kafka.acme.example:9092', protocol: 'kafka', description: 'Kafka', security: [{ sasl: [] }] } },
    channels: ch,
    components: {
      messages,
      schemas,
      parameters: { Tenant: { description: 'Tenant id', schema: { type: 'string' } } },
      securitySchemes: { sasl: { type: 'scramSha512', description: 'SASL' } },
    },
  };
}

export const generateAsyncApi = (channels: number) => stringify(generateAsyncApiDoc(channels), { aliasDuplicateObjects: false });

/** Deterministic prose: `n` words drawn from a fixed vocabulary by a seeded generator. */
function prose(seed: number, n: number): string {
  const words = ['order', 'customer', 'payment', 'the', 'is', 'returned', 'when', 'a', 'request', 'fails', 'with', 'status', 'of', 'and', 'must', 'be', 'unique', 'per', 'tenant', 'value', 'in', 'ISO', 'currency', 'amount', 'shipment', 'invoice', 'for', 'each', 'line', 'item', 'see', 'the', 'guide', 'retries', 'are', 'idempotent', 'using', 'key'];
  let x = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(words[x % words.length]!);
  }
  return out.join(' ');
}

/** A payload schema as large APIs write them: typed, described, with formats, enums, examples and nesting. */
function richSchema(seed: number, properties: number): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (let p = 0; p < properties; p++) {
    const description = `${prose(seed * 31 + p, 18)}.`;
    switch (p % 6) {
      case 0: props[`id${p}`] = { type: 'string', format: 'uuid', description, example: '3fa85f64-5717-4562-b3fc-2c963f66afa6', readOnly: true }; break;
      case 1: props[`status${p}`] = { type: 'string', enum: ['pending', 'active', 'suspended', 'closed'], description, default: 'pending' }; break;
      case 2: props[`amount${p}`] = { type: 'number', format: 'double', minimum: 0, maximum: 1_000_000, description, example: 129.95 }; break;
      case 3: props[`createdAt${p}`] = { type: 'string', format: 'date-time', description, example: '2026-01-31T12:00:00Z' }; break;
      case 4: props[`lines${p}`] = { type: 'array', maxItems: 500, description, items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string', pattern: '^[A-Z0-9-]{4,32}$', description: prose(seed + p, 8) }, qty: { type: 'integer', minimum: 1, description: prose(seed + p + 1, 6) } } } }; break;
      default: props[`address${p}`] = { type: 'object', description, properties: { street: { type: 'string', maxLength: 200 }, city: { type: 'string' }, country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' } } };
    }
  }
  return { type: 'object', description: prose(seed, 40), required: Object.keys(props).slice(0, 3), properties: props };
}

/**
 * OpenAPI 3.0 with N operations as large public APIs describe them: every resource has a payload schema
 * of 24 described properties, every operation a multi-paragraph description, described parameters and
 * response examples (about 3.6 KiB per operation: 2,000 operations are about 7 MiB).
 */
export function generateRichOpenApiDoc(operations: number): Record<string, unknown> {
  const PROPS = 17;
  const doc = generateOpenApiDoc(operations) as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };
  let seed = 0;
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      seed++;
      op.description = `${prose(seed, 45)}.\n\n${prose(seed + 7, 45)}.\n\nErrors: ${prose(seed + 13, 30)}.\n`;
      op.parameters = [
        ...(op.parameters ?? []),
        { name: 'X-Request-Id', in: 'header', description: prose(seed, 20), schema: { type: 'string', format: 'uuid' } },
        { name: 'Accept-Language', in: 'header', description: prose(seed + 1, 20), schema: { type: 'string', example: 'en-GB' } },
      ];
      for (const r of Object.values(op.responses as Record<string, any>)) {
        if (r.content) r.content['application/json'].examples = { typical: { summary: prose(seed + 2, 6), value: { id: '3fa85f64-5717-4562-b3fc-2c963f66afa6', status: 'active', note: prose(seed + 3, 25) } } };
      }
    }
    void p;
  }
  for (const name of Object.keys(doc.components.schemas)) {
    if (!name.startsWith('Resource')) continue;
    const schema = richSchema(Number(name.slice('Resource'.length)), PROPS);
    (schema.properties as Record<string, unknown>).parent = { $ref: `#/components/schemas/${name}` };
    doc.components.schemas[name] = schema;
  }
  return doc;
}

export const generateRichOpenApi = (operations: number) => stringify(generateRichOpenApiDoc(operations), { aliasDuplicateObjects: false });

/**
 * AsyncAPI 2.6 with N channels whose messages carry rich payloads (30 described properties), headers
 * and examples (about 8 KiB per channel: 500 channels are about 4 MB).
 */
export function generateRichAsyncApiDoc(channels: number): Record<string, unknown> {
  const doc = generateAsyncApiDoc(channels) as { channels: Record<string, any>; components: { schemas: Record<string, unknown>; messages: Record<string, any> } };
  for (let i = 0; i < channels; i++) {
    const name = `Event${i}`;
    doc.components.schemas[name] = richSchema(i, 17);
    const m = doc.components.messages[name];
    m.description = `${prose(i, 50)}.\n\n${prose(i + 3, 40)}.\n`;
    m.headers = { type: 'object', properties: { correlationId: { type: 'string', format: 'uuid', description: prose(i, 15) }, tenant: { type: 'string', description: prose(i + 1, 15) } } };
    m.examples = [{ name: 'typical', summary: prose(i + 2, 8), payload: { id0: '3fa85f64-5717-4562-b3fc-2c963f66afa6', status1: 'active', amount2: 42.5 } }];
  }
  return doc;
}

export const generateRichAsyncApi = (channels: number) => stringify(generateRichAsyncApiDoc(channels), { aliasDuplicateObjects: false });
