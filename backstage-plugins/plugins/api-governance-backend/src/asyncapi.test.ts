/**
 * The AsyncAPI 3.0 document of the plugin's events (backstage-plugins/catalog/apis/governance-events.yaml)
 * matches what the plugin emits: real events, produced by driving the router through every transition
 * and a deprecation, are validated with ajv against the payload schema of their topic's channel (the
 * schemas forbid unknown properties and require every field, so a drift either way fails). The catalog's
 * definition validator (catalog-backend-module-api-validator) reports no errors on the document.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { validateDefinition } from '@api-observatory/backstage-plugin-catalog-backend-module-api-validator';
import { GOVERNANCE_EVENT_TOPICS, type GovernanceEventPayload } from '@api-observatory/backstage-plugin-api-governance-common';
import { driveEveryTransition, RecordingEvents, RecordingNotifications, serve, sqliteDb, type TestDb } from './service/__testutils__/fixtures';

const FILE = path.join(__dirname, '../../../catalog/apis/governance-events.yaml');
const entity = parse(readFileSync(FILE, 'utf8')) as { kind: string; spec: { type: string; owner: string; system: string; definition: string } };
const doc = parse(entity.spec.definition) as {
  asyncapi: string;
  channels: Record<string, { address: string; servers?: Array<{ $ref: string }>; messages: Record<string, { $ref: string }> }>;
  components: Record<string, unknown>;
};

function pointer(ref: string): any {
  assert.match(ref, /^#\//);
  return ref.slice(2).split('/').reduce((o: any, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

/** The channels of the EventsService (server `backstage`): one per topic. The Kafka channel is tested in service/kafka-relay.test.ts. */
const eventsServiceChannels = () => Object.values(doc.channels).filter((c) => c.servers?.some((s) => s.$ref === '#/servers/backstage'));

/** topic → validator of its message payload. */
function validators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  const out = new Map<string, ValidateFunction>();
  for (const channel of eventsServiceChannels()) {
    const messages = Object.values(channel.messages).map((m) => pointer(m.$ref));
    assert.equal(messages.length, 1, `one message on ${channel.address}`);
    out.set(channel.address, ajv.compile({ ...messages[0].payload, components: doc.components }));
  }
  return out;
}

describe('governance-events.yaml', () => {
  let db: TestDb;
  let server: Server;
  const events = new RecordingEvents();

  before(async () => {
    db = await sqliteDb();
    const s = await serve(db.knex, undefined, undefined, { events, notifications: new RecordingNotifications() });
    server = s.server;
    await driveEveryTransition(s.url);
  });

  after(async () => {
    server?.close();
    await db?.close();
  });

  test('is an API entity of type asyncapi owned by api-platform-team in the api-platform system', () => {
    assert.equal(entity.kind, 'API');
    assert.deepEqual([entity.spec.type, entity.spec.owner, entity.spec.system], ['asyncapi', 'api-platform-team', 'api-platform']);
    assert.equal(doc.asyncapi, '3.0.0');
    const targets = readFileSync(path.join(FILE, '../../catalog-info.yaml'), 'utf8');
    assert.match(targets, /- \.\/apis\/governance-events\.yaml/);
  });

  test('the catalog definition validator reports no errors (and no warnings)', () => {
    const v = validateDefinition({ type: 'asyncapi', definition: entity.spec.definition });
    assert.equal(v.detected, 'asyncapi 3.0.0');
    assert.equal(v.errors, 0, JSON.stringify(v.findings));
    assert.equal(v.warnings, 0, JSON.stringify(v.findings));
  });

  test('one channel per published topic, addressed by the topic', () => {
    assert.deepEqual(eventsServiceChannels().map((c) => c.address).sort(), [...GOVERNANCE_EVENT_TOPICS].sort());
    assert.ok(Object.values(doc.channels).every((c) => c.servers?.length === 1), 'every channel names its one server');
  });

  test('every emitted event validates against its channel\'s payload schema', () => {
    const v = validators();
    const seen = new Set<string>();
    assert.ok(events.published.length >= 12, `${events.published.length} events`);
    for (const e of events.published) {
      const validate = v.get(e.topic);
      assert.ok(validate, `no channel for ${e.topic}`);
      assert.ok(validate(e.eventPayload), `${e.topic}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(e.eventPayload)}`);
      seen.add(e.topic);
    }
    assert.deepEqual([...seen].sort(), [...GOVERNANCE_EVENT_TOPICS].sort(), 'every topic was emitted and checked');
  });

  test('the schemas catch drift: a missing field, an unknown field, a wrong type or another topic\'s payload fail', () => {
    const v = validators();
    const sample = (topic: string) => structuredClone(events.published.find((e) => e.topic === topic)!.eventPayload) as GovernanceEventPayload & Record<string, unknown>;
    for (const topic of GOVERNANCE_EVENT_TOPICS) {
      const validate = v.get(topic)!;
      const missing = sample(topic);
      delete (missing as Record<string, unknown>).occurredAt;
      assert.equal(validate(missing), false, `${topic} without occurredAt`);
      assert.equal(validate({ ...sample(topic), extra: 1 }), false, `${topic} with an unknown field`);
      assert.equal(validate({ ...sample(topic), version: '1' }), false, `${topic} with a string version`);
    }
    assert.equal(v.get('api-governance.promotion.approved')!(sample('api-governance.promotion.requested')), false);
    assert.equal(v.get('api.deprecated')!(sample('api-governance.promotion.requested')), false);
  });
});
