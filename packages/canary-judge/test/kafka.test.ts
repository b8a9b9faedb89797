/**
 * canary-gate's events on a REAL Kafka broker (KRaft, @api-observatory/local-stack), from a real
 * `canary-gate serve` process judging simulator canaries in a real Prometheus:
 * - each evaluation's decision (and a rollback's rollback event) arrives keyed by the API entity ref,
 *   with its event id and type in headers, and validates against its message in the AsyncAPI document
 *   (backstage-plugins/catalog/apis/canary-gate-events.yaml); the document's Kafka bindings name the
 *   real topic and its partition count;
 * - with the broker killed, evaluations still answer with their decision, the events wait in the gate's
 *   memory (its queue gauge says how many), and after the broker returns they arrive in order per key.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { parseYaml } from '@api-observatory/safe-yaml';
import { PROM } from '@api-observatory/telemetry-contract';
import { freePort, startKafka, startPrometheus, toolPath, type RunningKafka, type RunningPrometheus } from '@api-observatory/local-stack';
import { kafkaEventsOf, type EvaluationReport } from '../src';
import { buildScenarioTsdb } from './helpers/tsdb';

const PKG = join(__dirname, '..');
const CLI = join(PKG, 'src', 'cli.ts');
const FILE = join(PKG, '..', '..', 'backstage-plugins', 'catalog', 'apis', 'canary-gate-events.yaml');
const entity = parseYaml(readFileSync(FILE, 'utf8')) as { spec: { definition: string } };
const doc = parseYaml(entity.spec.definition) as any;
const pointer = (ref: string): any => ref.slice(2).split('/').reduce((o: any, k) => o?.[k], doc);
const channel = Object.values<any>(doc.channels).find((c) => c.servers?.[0]?.$ref === '#/servers/kafka');

let promtool = '';
let skip: string | false = false;
try {
  toolPath('prometheus');
  promtool = toolPath('promtool');
} catch (e) {
  skip = (e as Error).message;
}

interface Received {
  key: string;
  eventId: string;
  type: string;
  partition: number;
  offset: bigint;
  payload: any;
}

/** event type → validator of its message on the Kafka channel, and the message's key schema. */
function validators(): Map<string, { payload: ValidateFunction; key: ValidateFunction }> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const out = new Map<string, { payload: ValidateFunction; key: ValidateFunction }>();
  for (const m of Object.values<any>(channel.messages)) {
    const message = pointer(m.$ref);
    const payload = pointer(message.payload.$ref);
    const type = payload.properties.type.const;
    assert.ok(type, `${m.$ref} pins its type`);
    out.set(type, { payload: ajv.compile({ ...message.payload, components: doc.components }), key: ajv.compile(message.bindings.kafka.key) });
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

describe('canary-gate events on a real Kafka broker', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'canary-gate-kafka-'));
  let prom: RunningPrometheus | undefined;
  let kafka: RunningKafka | undefined;
  let serve: ChildProcess | undefined;
  let serveUrl = '';
  let serveLog = '';
  let consumer: Consumer | undefined;
  const received: Received[] = [];
  const topic: string = channel.address;

  const evaluate = async (body: Record<string, string>): Promise<EvaluationReport> => {
    const res = await fetch(`${serveUrl}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ canary: 'v2.1', baseline: 'v2', ...body }) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as EvaluationReport;
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${serveUrl}/metrics`)).text();
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    assert.ok(m, `${name} in /metrics`);
    return Number(m[1]);
  };

  before(async () => {
    const now = Date.now();
    await buildScenarioTsdb(
      dir,
      join(dir, 'prom', 'tsdb'),
      promtool,
      [
        { api: 'orders-healthy', scenario: 'healthy' },
        { api: 'orders-errors', scenario: 'error-regression', scenarioParam: 5 },
      ],
      { startMs: now - 13 * 60_000, endMs: now + 8 * 60_000, stepMs: 15_000, rps: 200 },
    );
    [prom, kafka] = await Promise.all([
      startPrometheus({ port: await freePort(), dataDir: join(dir, 'prom'), logDir: dir }),
      startKafka({ brokers: 1, dataDir: join(dir, 'kafka'), logDir: join(dir, 'logs') }),
    ]);
    // Brokers from the environment variable, the topic created by the gate with the documented partitions.
    serve = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--prometheus', prom.url, '--port', '0', '--kafka-create-topic'], {
      cwd: PKG,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, CANARY_GATE_KAFKA_BROKERS: kafka.brokers.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stderr!.on('data', (c) => (serveLog += c));
    serveUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`canary-gate serve did not start: ${out}\n${serveLog}`)), 30_000);
      serve!.stdout!.on('data', (c) => {
        out += c;
        const m = /listening on (http:\/\/\S+).*events to Kafka topic (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          assert.equal(m[2], topic);
          resolve(m[1]!);
        }
      });
      serve!.once('exit', (code) => reject(new Error(`canary-gate serve exited with ${code}: ${serveLog}`)));
    });

    const client = new Kafka({ clientId: 'canary-gate-kafka-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, maxRetryTime: 1000, retries: 100 } });
    const admin = client.admin();
    await admin.connect();
    await until('the gate to create its topic', async () => (await admin.listTopics().catch(() => [] as string[])).includes(topic), 30_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${serveLog}`);
    });
    await admin.disconnect();
    consumer = client.consumer({ groupId: `test-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
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
    // Bounded: a consumer whose broker is gone keeps retrying.
    await Promise.race([consumer?.disconnect().catch(() => undefined), sleep(5000)]);
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      const timer = setTimeout(() => serve!.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await prom?.stop();
    await kafka?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until every event id has arrived; returns the first arrival of each. */
  async function arrive(ids: string[]): Promise<Map<string, Received>> {
    await until(`${ids.length} events on Kafka`, () => ids.every((id) => received.some((r) => r.eventId === id)), 90_000).catch((e) => {
      throw new Error(`${(e as Error).message}; received ${received.map((r) => r.eventId).join(', ')}\n${serveLog}`);
    });
    const byId = new Map<string, Received>();
    for (const r of received) if (!byId.has(r.eventId)) byId.set(r.eventId, r);
    return byId;
  }

  it('healthy promotes, regression rolls back: each event is keyed by its API and validates against its AsyncAPI message', async () => {
    // The governance backend passes the entity ref; a caller without one gets api:default/<api>.
    const healthy = await evaluate({ api: 'orders-healthy', entityRef: 'api:shop/orders-healthy' });
    const errors = await evaluate({ api: 'orders-errors' });
    assert.equal(healthy.decision, 'promote');
    assert.equal(errors.decision, 'rollback');
    // The ids come from the evaluation itself: the same report gives the same ids (a re-send is recognisable).
    const expected = [...kafkaEventsOf(healthy, 'api:shop/orders-healthy'), ...kafkaEventsOf(errors)];
    assert.deepEqual(expected.map((e) => e.type), ['canary.decision', 'canary.decision', 'canary.rollback']);
    const byId = await arrive(expected.map((e) => e.eventId));

    const check = validators();
    for (const e of expected) {
      const r = byId.get(e.eventId)!;
      assert.deepEqual(r.payload, JSON.parse(JSON.stringify(e)), `${e.eventId}: the payload the evaluation's report yields`);
      assert.equal(r.type, r.payload.type, 'event-type header = payload type');
      assert.equal(r.key, r.payload.entityRef, 'key = the payload entityRef');
      const v = check.get(r.type);
      assert.ok(v, `the Kafka channel has a message for ${r.type}`);
      assert.ok(v.payload(r.payload), `${r.type}: ${JSON.stringify(v.payload.errors)}`);
      assert.ok(v.key(r.key), `${r.key}: ${JSON.stringify(v.key.errors)}`);
    }
    const [hDecision, eDecision, eRollback] = expected.map((e) => byId.get(e.eventId)!);
    assert.equal(hDecision!.key, 'api:shop/orders-healthy');
    assert.equal(hDecision!.payload.decision, 'promote');
    assert.equal(hDecision!.payload.gateConfigHash, healthy.gateConfigHash);
    assert.equal(eDecision!.key, 'api:default/orders-errors');
    assert.equal(eDecision!.payload.decision, 'rollback');
    assert.equal(eRollback!.key, 'api:default/orders-errors');
    assert.equal(eRollback!.payload.eventId.slice('canary-rollback:'.length), eDecision!.payload.eventId.slice('canary-decision:'.length));
    assert.ok(eDecision!.offset < eRollback!.offset && eDecision!.partition === eRollback!.partition, 'the rollback follows its decision');
    assert.deepEqual([...check.keys()].sort(), ['canary.decision', 'canary.rollback'], 'every message of the channel was produced and checked');
    // A schema that accepted anything would pass the loop above: a stray field must fail.
    assert.equal(check.get('canary.decision')!.payload({ ...hDecision!.payload, promql: 'up' }), false);
    assert.equal(await metric(PROM.canaryEventsQueued), 0);
    assert.ok((await metric(PROM.canaryEventsPublished)) >= 3);
  });

  it('the document\'s Kafka bindings match the real topic', async () => {
    assert.equal(channel.bindings.kafka.topic, topic);
    assert.equal(pointer('#/servers/kafka').protocol, 'kafka');
    const admin = new Kafka({ clientId: 'canary-gate-kafka-test-admin', brokers: kafka!.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(meta.topics[0]!.partitions.length, channel.bindings.kafka.partitions);
    } finally {
      await admin.disconnect();
    }
  });

  it('broker killed: evaluations still answer, events wait in memory, then arrive in order per key', async (t) => {
    const before = received.length;
    await kafka!.stopBroker(1, 'SIGKILL');
    let down = true;
    t.after(async () => {
      if (down) await kafka!.startBroker(1);
    });
    const sent: Array<{ key: string; ids: string[] }> = [];
    const plan: Array<Record<string, string>> = [
      { api: 'orders-errors', entityRef: 'api:shop/orders-errors' },
      { api: 'orders-healthy', entityRef: 'api:shop/orders-healthy' },
      { api: 'orders-errors', entityRef: 'api:shop/orders-errors', lookback: '11m' },
      { api: 'orders-healthy', entityRef: 'api:shop/orders-healthy', lookback: '11m' },
      { api: 'orders-errors', entityRef: 'api:shop/orders-errors', lookback: '12m' },
    ];
    for (const body of plan) {
      const report = await evaluate(body);
      assert.equal(report.decision, body.api === 'orders-errors' ? 'rollback' : 'promote', JSON.stringify(body));
      sent.push({ key: body.entityRef!, ids: kafkaEventsOf(report, body.entityRef).map((e) => e.eventId) });
    }
    const ids = sent.flatMap((s) => s.ids);
    assert.equal(ids.length, 8, 'three rollbacks (decision and rollback event) and two promotions');
    await sleep(1500);
    assert.equal(received.length, before, 'nothing arrives while the broker is down');
    assert.equal(await metric(PROM.canaryEventsQueued), 8, 'the gate holds the eight events');
    assert.equal(await metric(PROM.canaryEventsDropped), 0);

    await kafka!.startBroker(1);
    down = false;
    const byId = await arrive(ids);
    for (const key of ['api:shop/orders-errors', 'api:shop/orders-healthy']) {
      const want = sent.filter((s) => s.key === key).flatMap((s) => s.ids);
      const got = [...byId.values()].filter((r) => r.key === key && want.includes(r.eventId));
      assert.equal(new Set(got.map((r) => r.partition)).size, 1, `${key} stays on one partition`);
      assert.deepEqual(got.sort((a, b) => (a.offset < b.offset ? -1 : 1)).map((r) => r.eventId), want, `${key}: Kafka order = evaluation order`);
    }
    await until('the queue to drain', async () => (await metric(PROM.canaryEventsQueued)) === 0, 30_000);
    // At least once: a re-send after an unacknowledged attempt may duplicate, never reorder; say how many.
    const duplicates = received.length - new Set(received.map((r) => r.eventId)).size;
    assert.ok(duplicates <= 8, `${duplicates} duplicates`);
    assert.match(serveLog, /kafka: publishing failed .*events queued in memory/);
  });
});
