/**
 * Relays the event outbox to Kafka, at least once and in order per API.
 *
 * Every governance event is already in the outbox (`governance_events`, written in the transition's
 * transaction). The relay sends the events without a Kafka delivery record, oldest first, to one topic
 * (default `api-governance.events`), keyed by the API entity ref so that one API's events share a
 * partition and keep their order; headers carry the event id (stable across re-sends: consumers
 * deduplicate on it) and its type (the EventsService topic). A delivery is recorded only after the
 * broker acknowledged it (idempotent producer, acks from all in-sync replicas, one request in flight).
 * When the broker is unreachable the relay stops at the first unsent event (so nothing overtakes it) and
 * retries with backoff; transitions keep committing, their events wait in the outbox. A crash between
 * the acknowledgement and the record re-sends the batch: a duplicate with the same event id.
 *
 * Why kafkajs and not @backstage/plugin-events-backend-module-kafka: that module forwards in-process
 * EventsService events without a message key and drops them when the broker is down; the outbox needs
 * per-API keys and delivery tied to its own records. kafkajs is the client that module uses too.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { Knex } from 'knex';
import { Kafka, logLevel, type KafkaConfig, type Producer } from 'kafkajs';

export const KAFKA_DELIVERIES = 'governance_kafka_deliveries';
export const DEFAULT_KAFKA_TOPIC = 'api-governance.events';

export interface KafkaRelayOptions {
  db: Knex;
  logger: LoggerService;
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  clientId?: string;
  topic?: string;
  /** Creates the topic when it is missing (needs the broker's create permission). Default false. */
  createTopic?: boolean;
  partitions?: number;
  /** TLS and SASL as kafkajs takes them; secrets come from the config's environment substitution. */
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
  /** How often the outbox is checked for new events, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Events per send. Default 100. */
  batchSize?: number;
  /** Longest wait between attempts while Kafka is unreachable (doubling from 500 ms). Default 30000. */
  maxBackoffMs?: number;
}

interface OutboxRow {
  seq: number;
  event_id: string;
  topic: string;
  entity_ref: string;
  payload: string;
}

export class KafkaRelay {
  private producer: Producer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private nextAttempt = 0;
  private readonly kafka: Kafka;
  readonly topic: string;

  constructor(private readonly o: KafkaRelayOptions) {
    if (o.brokers.length === 0) throw new Error('apiGovernance.kafka.brokers must name at least one broker');
    this.topic = o.topic ?? DEFAULT_KAFKA_TOPIC;
    const log = o.logger;
    this.kafka = new Kafka({
      clientId: o.clientId ?? 'backstage-api-governance',
      brokers: o.brokers,
      ssl: o.ssl,
      sasl: o.sasl,
      connectionTimeout: 3000,
      // The relay has its own backoff; the client's retries only cover short blips within one send.
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
      logLevel: logLevel.WARN,
      // The client's own lines go to debug: during an outage it logs every reconnect, while the relay
      // logs one warning per failed attempt with the backlog (flush(), below).
      logCreator: () => ({ log: entry }) => log.debug(`api-governance kafka: ${entry.message}${entry.broker ? ` (${entry.broker})` : ''}`),
    });
  }

  /** Starts polling the outbox. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      void this.flush().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.o.pollIntervalMs ?? 1000);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
  }

  /** Events not yet acknowledged by Kafka. */
  async backlog(): Promise<number> {
    const [row] = await this.unsent().count({ n: '*' });
    return Number((row as { n: number | string }).n);
  }

  /** Sends every unsent event (or waits for the send under way). Never rejects; failures back off. */
  flush(): Promise<void> {
    if (this.running) return this.running;
    if (Date.now() < this.nextAttempt) return Promise.resolve();
    this.running = this.relay()
      .then(() => {
        if (this.failures > 0) this.o.logger.info(`api-governance: Kafka reachable again; the outbox is relayed to ${this.topic}`);
        this.failures = 0;
      })
      .catch(async (e) => {
        this.failures += 1;
        const delay = Math.min(this.o.maxBackoffMs ?? 30_000, 500 * 2 ** Math.min(this.failures - 1, 6));
        this.nextAttempt = Date.now() + delay;
        const backlog = await this.backlog().catch(() => NaN);
        this.o.logger.warn(`api-governance: relaying events to Kafka failed (${(e as Error).message}); ${backlog} events wait in the outbox, next attempt in ${delay} ms`);
        // A fresh producer next time: after a broker outage the old connection state is not worth trusting.
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = null;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private unsent() {
    return this.o.db('governance_events as e')
      .leftJoin(`${KAFKA_DELIVERIES} as k`, 'k.event_id', 'e.event_id')
      .whereNull('k.event_id');
  }

  private async connect(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (this.o.createTopic) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const existing = await admin.listTopics();
        if (!existing.includes(this.topic)) {
          await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.topic, numPartitions: this.o.partitions ?? 3 }] });
        }
      } finally {
        await admin.disconnect();
      }
    }
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async relay(): Promise<void> {
    // Connected (and the topic created) before the first event, so consumers can subscribe early.
    const producer = await this.connect();
    for (;;) {
      const rows: OutboxRow[] = await this.unsent()
        .select('e.seq', 'e.event_id', 'e.topic', 'e.entity_ref', 'e.payload')
        .orderBy('e.seq', 'asc')
        .limit(this.o.batchSize ?? 100);
      if (rows.length === 0) return;
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: rows.map((r) => ({
          key: r.entity_ref,
          value: r.payload,
          headers: { 'event-id': r.event_id, 'event-type': r.topic, 'content-type': 'application/json' },
        })),
      });
      const at = new Date().toISOString();
      await this.o.db(KAFKA_DELIVERIES)
        .insert(rows.map((r) => ({ event_id: r.event_id, kafka_topic: this.topic, relayed_at: at })))
        .onConflict('event_id')
        .ignore();
      if (rows.length < (this.o.batchSize ?? 100)) return;
    }
  }
}

/** The relay's settings from `apiGovernance.kafka` (config.d.ts); none: no relay. */
export function readKafkaRelayConfig(config: Config): Omit<KafkaRelayOptions, 'db' | 'logger'> | undefined {
  const c = config.getOptionalConfig('apiGovernance.kafka');
  if (!c) return undefined;
  const sasl = c.getOptionalConfig('sasl');
  const mechanism = sasl?.getString('mechanism');
  if (mechanism !== undefined && !['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism)) {
    throw new Error(`apiGovernance.kafka.sasl.mechanism must be plain, scram-sha-256 or scram-sha-512, got ${JSON.stringify(mechanism)}`);
  }
  return {
    brokers: c.getStringArray('brokers'),
    clientId: c.getOptionalString('clientId'),
    topic: c.getOptionalString('topic'),
    createTopic: c.getOptionalBoolean('createTopic'),
    partitions: c.getOptionalNumber('partitions'),
    ssl: c.getOptionalBoolean('ssl'),
    sasl: sasl ? ({ mechanism, username: sasl.getString('username'), password: sasl.getString('password') } as KafkaConfig['sasl']) : undefined,
    pollIntervalMs: c.getOptionalNumber('pollIntervalMs'),
  };
}
