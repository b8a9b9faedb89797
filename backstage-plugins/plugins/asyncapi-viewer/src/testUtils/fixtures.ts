import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml } from '@api-observatory/safe-yaml';

const CATALOG = path.resolve(__dirname, '../../../../catalog/apis');

/** `spec.definition` of a sample catalog API. */
export function catalogDefinition(file: string): string {
  const entity = parseYaml(readFileSync(path.join(CATALOG, file), 'utf8')) as { spec: { definition: string } };
  return entity.spec.definition;
}

/** AsyncAPI 3.1 with a self-referencing schema, headers, examples, tags, traits and Kafka bindings. */
export const ASYNCAPI_31 = `
asyncapi: 3.1.0
info:
  title: Order Events
  version: 2.0.0
  description: |
    Order **lifecycle** events. See [docs](https://docs.example/orders).
  tags:
    - name: orders
servers:
  prod:
    host: kafka.example:9092
    protocol: kafka
    bindings:
      kafka:
        schemaRegistryUrl: https://registry.example
        bindingVersion: 0.5.0
channels:
  orderCreated:
    address: orders.created.v1
    description: New orders.
    tags:
      - name: checkout
    messages:
      created:
        $ref: '#/components/messages/OrderCreated'
    bindings:
      kafka:
        topic: orders.created.v1
        partitions: 3
  orderAudit:
    address: orders.audit.{region}
    parameters:
      region:
        enum: [eu, us]
        description: Region code.
    messages:
      audit:
        name: AuditEntry
        payload:
          type: object
          properties:
            entry:
              type: string
operations:
  sendOrderCreated:
    action: send
    channel:
      $ref: '#/channels/orderCreated'
    messages:
      - $ref: '#/channels/orderCreated/messages/created'
    tags:
      - name: billing
    bindings:
      kafka:
        groupId:
          type: string
          enum: [billing]
  readAudit:
    action: receive
    channel:
      $ref: '#/channels/orderAudit'
components:
  messages:
    OrderCreated:
      name: OrderCreated
      title: Order created
      contentType: application/json
      traits:
        - $ref: '#/components/messageTraits/Common'
      payload:
        $ref: '#/components/schemas/Order'
      examples:
        - name: small
          payload:
            id: o-1
            total: 12.5
      bindings:
        kafka:
          key:
            type: string
            format: uuid
  messageTraits:
    Common:
      headers:
        type: object
        properties:
          traceparent:
            type: string
            description: W3C trace context.
  schemas:
    Order:
      type: object
      required: [id]
      properties:
        id:
          type: string
        total:
          type: number
          minimum: 0
        customer:
          $ref: '#/components/schemas/Customer'
        parent:
          $ref: '#/components/schemas/Order'
        remote:
          $ref: 'https://evil.example/schema.json'
    Customer:
      type: object
      properties:
        name:
          type: string
        orders:
          type: array
          items:
            $ref: '#/components/schemas/Order'
`;

/** n channels, each with one send operation and one message (for tests of large documents). */
export function generated3(n: number): string {
  const lines = ['asyncapi: 3.0.0', 'info:', '  title: Big', '  version: 1.0.0', 'channels:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  ch${i}:`, `    address: topic.${i}`, '    messages:', `      m${i}:`, `        name: Message${i}`, '        payload:', '          type: object');
  }
  lines.push('operations:');
  for (let i = 0; i < n; i++) {
    lines.push(`  op${i}:`, `    action: ${i % 2 ? 'receive' : 'send'}`, '    channel:', `      $ref: '#/channels/ch${i}'`);
    if (i % 10 === 0) lines.push('    tags:', '      - name: tenth');
  }
  return lines.join('\n');
}
