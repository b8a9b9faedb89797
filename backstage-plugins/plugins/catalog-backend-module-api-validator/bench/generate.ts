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
