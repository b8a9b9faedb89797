/**
 * Publishes the gate's events to Kafka (kafka-events.ts), at least once while the process lives.
 *
 * canary-gate has no database: events wait in a bounded in-memory queue, are sent oldest first in
 * batches by one sender (idempotent producer, acks from all in-sync replicas, one request in flight),
 * and leave the queue only once the broker acknowledged them, so events of one key keep their order.
 * While the broker is unreachable the sender retries with backoff (doubling from 500 ms); evaluations
 * keep answering. A full queue drops its oldest event (counted); a restart loses what is queued.
 * Metrics (telemetry contract): canary_gate_events_queued, _published_total, _dropped_total.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRICS, PROM } from '@api-observatory/telemetry-contract';
import type { DecisionEvent, KafkaRollbackEvent } from '../kafka-events';

export const DEFAULT_KAFKA_TOPIC = 'canary-gate.events';
export const DEFAULT_KAFKA_PARTITIONS = 3;
/** Environment variable with the bootstrap servers, `host:port,...` (the --kafka-brokers flag wins). */
export const KAFKA_BROKERS_ENV = 'CANARY_GATE_KAFKA_BROKERS';

export interface KafkaPublisherOptions {
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  topic?: string;
  clientId?: string;
  /** Create the topic when missing, with `partitions` partitions (needs the broker's create permission). */
  createTopic?: boolean;
  partitions?: number;
  /** Events held at most; beyond, the oldest is dropped. Default 10000. */
  maxQueue?: number;
  /** Events per send. Default 100. */
  batchSize?: number;
  /** Longest wait between attempts while Kafka is unreachable. Default 30000 ms. */
  maxBackoffMs?: number;
  /** The registry the queue metrics go to (the server's /metrics). */
  registry?: Registry;
  log?: (line: string) => void;
}

interface Queued {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Unref'd: a pending backoff never keeps a stopping process alive. */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class KafkaEventPublisher {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly queue: Queued[] = [];
  private inflight: Queued[] = [];
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private sending: Promise<void> | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly published: Counter;
  private readonly dropped: Counter;
  private readonly log: (line: string) => void;

  constructor(private readonly o: KafkaPublisherOptions) {
    if (o.brokers.length === 0) throw new Error('Kafka: name at least one broker (host:port)');
    this.topic = o.topic ?? DEFAULT_KAFKA_TOPIC;
    this.log = o.log ?? (() => {});
    this.kafka = new Kafka({
      clientId: o.clientId ?? 'canary-gate',
      brokers: o.brokers,
      connectionTimeout: 3000,
      // The publisher has its own backoff; the client's retries only cover short blips within one send.
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
      logLevel: logLevel.NOTHING,
    });
    const registers = o.registry ? [o.registry] : [];
    const self = this;
    new Gauge({
      name: PROM.canaryEventsQueued,
      help: METRICS.canaryEventsQueued.description,
      registers,
      collect() {
        this.set(self.pending);
      },
    });
    this.published = new Counter({ name: PROM.canaryEventsPublished, help: METRICS.canaryEventsPublished.description, registers });
    this.dropped = new Counter({ name: PROM.canaryEventsDropped, help: METRICS.canaryEventsDropped.description, registers });
  }

  /** Events not yet acknowledged by Kafka. */
  get pending(): number {
    return this.queue.length + this.inflight.length;
  }

  /** Queue events (in this order, under their entity ref key) and wake the sender. Never throws. */
  publish(events: Array<DecisionEvent | KafkaRollbackEvent>): void {
    if (this.closed) return;
    for (const e of events) {
      this.queue.push({ key: e.entityRef, value: JSON.stringify(e), headers: { 'event-id': e.eventId, 'event-type': e.type, 'content-type': 'application/json' } });
    }
    const max = this.o.maxQueue ?? 10_000;
    let lost = 0;
    while (this.pending > max && this.queue.length > 0) {
      this.queue.shift();
      lost++;
    }
    if (lost) {
      this.dropped.inc(lost);
      this.log(`kafka: queue full (${max} events): dropped the ${lost} oldest`);
    }
    // The sender, when running, picks the new events up after its current batch.
    if (!this.sending) this.sending = this.run().finally(() => (this.sending = null));
  }

  /** Sends until the queue is empty (or the publisher is closed). */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed && this.queue.length > 0) {
      this.inflight = this.queue.splice(0, this.o.batchSize ?? 100);
      try {
        const producer = await this.connect();
        await producer.send({ topic: this.topic, acks: -1, messages: this.inflight });
        this.published.inc(this.inflight.length);
        this.inflight = [];
        if (failures > 0) this.log(`kafka: reachable again; publishing to ${this.topic}`);
        failures = 0;
      } catch (e) {
        // Back to the head of the queue: nothing overtakes an unacknowledged event.
        this.queue.unshift(...this.inflight);
        this.inflight = [];
        failures++;
        const delay = Math.min(this.o.maxBackoffMs ?? 30_000, 500 * 2 ** Math.min(failures - 1, 6));
        this.log(`kafka: publishing failed (${(e as Error).message}); ${this.pending} events queued in memory, next attempt in ${delay} ms`);
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = null;
        // Only close() cuts the wait short.
        await Promise.race([sleep(delay), new Promise<void>((r) => (this.wake = r))]).finally(() => (this.wake = null));
      }
    }
  }

  /** Connects (creating the topic first when asked); one attempt at a time. */
  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<Producer> {
    if (this.o.createTopic) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        if (!(await admin.listTopics()).includes(this.topic)) {
          await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.topic, numPartitions: this.o.partitions ?? DEFAULT_KAFKA_PARTITIONS }] });
        }
      } finally {
        await admin.disconnect();
      }
    }
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    if (this.closed) {
      await producer.disconnect().catch(() => undefined);
      throw new Error('the publisher is closed');
    }
    this.producer = producer;
    return producer;
  }

  /** Connects at start-up (the topic exists before the first event); a failure is retried with the first event. */
  start(): void {
    this.connect().then(
      () => this.log(`kafka: connected; events go to ${this.topic}`),
      (e) => this.log(`kafka: not reachable at start (${(e as Error).message}); events queue in memory until it is`),
    );
  }

  /** Waits up to `timeoutMs` for the queue to drain, then stops; says how many events are lost. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.sending) await Promise.race([this.sending, sleep(timeoutMs)]);
    this.closed = true;
    this.wake?.();
    if (this.pending > 0) this.log(`kafka: stopping with ${this.pending} events unsent; they are lost (the queue is in memory)`);
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
  }
}

/** `host:port,host:port` → brokers; throws naming the bad entry. */
export function parseBrokers(text: string, what: string): string[] {
  const brokers = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error(`${what} must name at least one broker (host:port,...)`);
  for (const b of brokers) if (!/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)) throw new Error(`${what}: ${JSON.stringify(b)} is not host:port`);
  return brokers;
}
