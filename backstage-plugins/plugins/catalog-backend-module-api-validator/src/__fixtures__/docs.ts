/** Minimal valid documents of each supported version; tests clone and break them. */
export const oas30 = () => ({
  openapi: '3.0.3',
  info: { title: 'Orders', version: '1.0.0', description: 'Orders API' },
  servers: [{ url: 'https://api.acme.example' }],
  security: [{ bearer: [] }],
  paths: {
    '/orders/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'getOrder',
        summary: 'Get one order',
        responses: { '200': { description: 'the order', content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } } },
      },
    },
  },
  components: {
    schemas: { Order: { type: 'object', properties: { id: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Order' } } } } },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  },
});

export const oas31 = () => ({ ...oas30(), openapi: '3.1.0' });

export const swagger2 = () => ({
  swagger: '2.0',
  info: { title: 'Payments', version: '2.0.0', description: 'Payments API' },
  host: 'api.acme.example',
  basePath: '/',
  securityDefinitions: { key: { type: 'apiKey', name: 'X-Key', in: 'header' } },
  security: [{ key: [] }],
  paths: {
    '/payments': {
      post: {
        operationId: 'createPayment',
        description: 'Create a payment',
        parameters: [{ name: 'body', in: 'body', schema: { $ref: '#/definitions/Payment' } }],
        responses: { '201': { description: 'created' } },
      },
    },
  },
  definitions: { Payment: { type: 'object' } },
});

export const aas26 = () => ({
  asyncapi: '2.6.0',
  info: { title: 'Inventory events', version: '1.0.0', description: 'Stock events' },
  servers: { prod: { url: 'kafka.acme.example:9092', protocol: 'kafka', security: [{ sasl: [] }] } },
  channels: {
    'stock/{sku}': {
      parameters: { sku: { schema: { type: 'string' } } },
      subscribe: { operationId: 'onStock', summary: 'Stock changed', message: { $ref: '#/components/messages/Stock' } },
    },
  },
  components: {
    messages: { Stock: { name: 'Stock', payload: { type: 'object' } } },
    securitySchemes: { sasl: { type: 'scramSha512' } },
  },
});

export const aas30 = () => ({
  asyncapi: '3.0.0',
  info: { title: 'Notification events', version: '1.0.0', description: 'Notifications' },
  servers: { prod: { host: 'kafka.acme.example:9092', protocol: 'kafka', security: [{ $ref: '#/components/securitySchemes/sasl' }] } },
  channels: {
    sent: {
      address: 'notifications.{tenant}.sent',
      parameters: { tenant: { description: 'tenant' } },
      messages: { Sent: { $ref: '#/components/messages/Sent' } },
    },
  },
  operations: {
    onSent: {
      action: 'receive',
      summary: 'A notification was sent',
      channel: { $ref: '#/channels/sent' },
      messages: [{ $ref: '#/channels/sent/messages/Sent' }],
    },
  },
  components: {
    messages: { Sent: { name: 'Sent', payload: { type: 'object' } } },
    securitySchemes: { sasl: { type: 'scramSha512' } },
  },
});
