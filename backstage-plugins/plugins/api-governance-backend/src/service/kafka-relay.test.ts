/**
 * The outbox relayed to a REAL Kafka broker (KRaft, started by @api-observatory/local-stack from the jars
 * setup installs), driven through the real router on SQLite:
 * - every event arrives once on api-governance.events, keyed by its API, with its event id and type in
 *   headers, and validates against its message in the AsyncAPI document (the catalog's contract); the
 *   document's Kafka bindings name the real topic and its partition count;
 * - with the broker killed mid-flow, transitions still commit, the outbox keeps their events, and after
 *   the broker returns they all arrive, in commit order per API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { parse } from 'yaml';
import { startKafka, type RunningKafka } from '@api-observatory/local-stack';
import { call, driveEveryTransition, fresh, logger, RecordingEvents, serve, sqliteDb, type TestDb } from './__testutils__/fixtures';
import { ConfigReader, type JsonObject } from '@backstage/config';
import { KafkaRelay, readKafkaRelayConfig } from './kafka-relay';

const FILE = path.join(__dirname, '../../../../catalog/apis/governance-events.yaml');
const doc = parse((parse(readFileSync(FILE, 'utf8')) as { spec: { definition: string } }).spec.definition) as any;
const pointer = (ref: string): any => ref.slice(2).split('/').reduce((o: any, k) => o?.[k], doc);

interface Received { key: string; eventId: string; type: string; partition: number; offset: bigint; payload: any }

/** event type → validator of its message on the Kafka channel. */
function kafkaValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uuid', /^[0-9a-f-]{36}$/i);
  const channel = Object.values<any>(doc.channels).find((c) => c.servers?.[0]?.$ref === '#/servers/kafka');
  assert.ok(channel, 'a channel on the kafka server');
  const out = new Map<string, ValidateFunction>();
  for (const m of Object.values<any>(channel.messages)) {
    const message = pointer(m.$ref);
    const validate = ajv.compile({ ...message.payload, components: doc.components });
    // Each message's payload pins its `type`; that is the event-type header.
    const payload = message.payload.$ref ? pointer(message.payload.$ref) : message.payload;
    const type = payload.allOf?.[1]?.properties?.type?.const ?? payload.properties?.type?.const;
    assert.ok(type, `${m.$ref} pins its type`);
    out.set(type, validate);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('outbox relay to a real Kafka broker', () => {
  let kafka: RunningKafka;
  let db: TestDb;
  let server: Server;
  let url: string;
  let relay: KafkaRelay;
  let consumer: Consumer;
  const received: Received[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-kafka-'));

  const post = async (token: string, p: string, body: unknown) => {
    const r = await call(url, 'POST', p, token, body);
    assert.ok(r.status < 300, `${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const recorded = async () => (await db.knex('governance_events').select('event_id', 'entity_ref', 'seq').orderBy('seq')) as Array<{ event_id: string; entity_ref: string; seq: number }>;

  before(async () => {
    kafka = await startKafka({ brokers: 1, dataDir: path.join(dir, 'kafka'), logDir: path.join(dir, 'logs') });
    db = await sqliteDb();
    ({ server, url } = await serve(db.knex, undefined, undefined, { events: new RecordingEvents() }));
    relay = new KafkaRelay({ db: db.knex, logger, brokers: kafka.brokers, createTopic: true, partitions: 3, pollIntervalMs: 100, maxBackoffMs: 1000 });
    relay.start();
    const client = new Kafka({ clientId: 'kafka-relay-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, maxRetryTime: 1000, retries: 100 } });
    consumer = client.consumer({ groupId: `test-${Date.now()}` });
    const admin = client.admin();
    await admin.connect();
    await until('the relay to create the topic', async () => (await admin.listTopics().catch(() => [] as string[])).includes(relay.topic), 30_000);
    await admin.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topic: relay.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({
          key: message.key!.toString(),
          eventId: message.headers!['event-id']!.toString(),
          type: message.headers!['event-type']!.toString(),
          partition,
          offset: BigInt(message.offset),
          payload: JSON.parse(message.value!.toString()),
        });
      },
    });
  });

  after(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await relay?.stop();
    server?.close();
    await db?.close();
    await kafka?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every recorded event was received, each event id once at least; returns the received ones per event id. */
  async function allArrive(): Promise<Map<string, Received>> {
    const events = await recorded();
    await until(`${events.length} events on Kafka`, () => new Set(received.map((r) => r.eventId)).size >= events.length);
    const byId = new Map(received.map((r) => [r.eventId, r]));
    for (const e of events) assert.ok(byId.has(e.event_id), `event ${e.event_id} arrived`);
    return byId;
  }

  /** Per API, Kafka's order (one partition per key) equals the outbox's commit order. */
  async function inCommitOrderPerApi(): Promise<void> {
    const seqOf = new Map((await recorded()).map((e) => [e.event_id, e.seq]));
    const byKey = new Map<string, Received[]>();
    for (const r of received) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    for (const [key, list] of byKey) {
      assert.equal(new Set(list.map((r) => r.partition)).size, 1, `${key} stays on one partition`);
      const seqs = list.sort((a, b) => (a.offset < b.offset ? -1 : 1)).map((r) => seqOf.get(r.eventId)!);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${key}: Kafka order = commit order`);
    }
  }

  test('every transition\'s event arrives keyed by its API and validates against its AsyncAPI message', async () => {
    await driveEveryTransition(url);

    const byId = await allArrive();
    const validators = kafkaValidators();
    const types = new Set<string>();
    for (const r of byId.values()) {
      assert.equal(r.payload.eventId, r.eventId, 'event-id header = payload eventId');
      assert.equal(r.payload.type, r.type, 'event-type header = payload type');
      assert.equal(r.key, r.payload.entityRef, 'key = the API entity ref');
      const validate = validators.get(r.type);
      assert.ok(validate, `the Kafka channel has a message for ${r.type}`);
      assert.ok(validate(r.payload), `${r.type}: ${JSON.stringify(validate.errors)}`);
      types.add(r.type);
    }
    assert.deepEqual([...types].sort(), [...validators.keys()].sort(), 'every message of the channel was produced and checked');
    assert.equal(await relay.backlog(), 0);
    await inCommitOrderPerApi();
  });

  test('the document\'s Kafka bindings match the real topic', async () => {
    const channel = Object.values<any>(doc.channels).find((c) => c.servers?.[0]?.$ref === '#/servers/kafka');
    assert.equal(channel.address, relay.topic);
    assert.equal(channel.bindings.kafka.topic, relay.topic);
    const admin = new Kafka({ clientId: 'kafka-relay-test-admin', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [relay.topic] });
      assert.equal(meta.topics[0].partitions.length, channel.bindings.kafka.partitions);
    } finally {
      await admin.disconnect();
    }
    assert.equal(pointer('#/servers/kafka').protocol, 'kafka');
  });

  test('broker killed mid-flow: transitions commit, the outbox keeps the events, they arrive in order per API afterwards', async () => {
    const before = received.length;
    // Killed, not shut down: the harsher case, and the relay cannot tell the difference.
    await kafka.stopBroker(1, 'SIGKILL');
    const apis = [fresh('orders'), fresh('orders'), fresh('payments')];
    for (const api of apis) {
      const r = await post('alice', '/requests', { entityRef: api, toEnvironment: 'production', comment: 'during the outage' });
      await post('carla', `/requests/${r.id}/approve`, { reason: 'ok' });
      await post('service', `/requests/${r.id}/promote`, {});
    }
    await sleep(1500);
    assert.equal(received.length, before, 'nothing arrives while the broker is down');
    assert.equal(await relay.backlog(), 9, 'the outbox holds the nine events');

    await kafka.startBroker(1);
    await until('the outbox to drain', async () => (await relay.backlog()) === 0, 90_000);
    const byId = await allArrive();
    for (const api of apis) {
      const types = [...byId.values()].filter((r) => r.key === api).sort((a, b) => (a.offset < b.offset ? -1 : 1)).map((r) => r.type);
      assert.deepEqual(types, ['api-governance.promotion.requested', 'api-governance.promotion.approved', 'api-governance.promotion.promoted'], api);
    }
    await inCommitOrderPerApi();
    // At least once: a re-send after an unacknowledged attempt may duplicate, never reorder; say how many.
    const duplicates = received.length - new Set(received.map((r) => r.eventId)).size;
    assert.ok(duplicates <= 9, `${duplicates} duplicates at most one batch`);
  });
});

test('apiGovernance.kafka: absent means no relay; a bad setting is refused naming its key', () => {
  const read = (kafka: JsonObject) => readKafkaRelayConfig(new ConfigReader({ apiGovernance: { kafka } }));
  assert.equal(readKafkaRelayConfig(new ConfigReader({})), undefined);
  assert.deepEqual(read({ brokers: ['127.0.0.1:9092'] })?.brokers, ['127.0.0.1:9092']);
  assert.throws(() => read({ brokers: ['b:9092'], sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } }), /apiGovernance\.kafka\.sasl\.mechanism/);
  assert.throws(() => read({ clientId: 'x' }), /brokers/);
  assert.throws(() => new KafkaRelay({ db: undefined as never, logger, brokers: [] }), /apiGovernance\.kafka\.brokers/);
});
