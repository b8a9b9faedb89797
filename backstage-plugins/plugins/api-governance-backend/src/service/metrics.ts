/**
 * The plugin's own metrics, through the OpenTelemetry API only (Backstage's convention, like tracing.ts:
 * the backend's instrumentation file registers the SDK and a metric reader; without one the instruments
 * are no-ops and the callbacks never run).
 *
 * The outbox backlog (gauge, {event}), per destination: recorded events not yet delivered.
 * `events` counts those the EventsService has not published (outbox.ts), `kafka` those the broker has
 * not acknowledged (kafka-relay.ts). Either grows while its destination is down and drains once it is
 * back. Name, unit and labels are the telemetry contract's (PLATFORM_METRICS.governanceOutboxBacklog).
 */
import { metrics, type ObservableResult } from '@opentelemetry/api';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { OUTBOX_DESTINATION_LABEL, OUTBOX_DESTINATIONS, PLATFORM_METRICS } from '@api-observatory/telemetry-contract';
import type { Knex } from 'knex';
import type { KafkaRelay } from './kafka-relay';
import { DELIVERIES, EVENTS } from './store';

const BACKLOG = PLATFORM_METRICS.governanceOutboxBacklog;

/** Something that holds events not yet delivered to one destination. */
export interface BacklogSource {
  destination: string;
  backlog(): Promise<number>;
}

/** Events the EventsService has not published yet (no delivery record). */
export function eventsServiceBacklog(db: Knex): BacklogSource {
  return {
    destination: OUTBOX_DESTINATIONS.events,
    async backlog() {
      const [row] = await db(`${EVENTS} as e`).leftJoin(`${DELIVERIES} as d`, 'd.event_id', 'e.event_id').whereNull('d.event_id').count({ n: '*' });
      return Number((row as { n: number | string }).n);
    },
  };
}

/** Events the Kafka relay has not had acknowledged yet. */
export function kafkaBacklog(relay: Pick<KafkaRelay, 'backlog'>): BacklogSource {
  return { destination: OUTBOX_DESTINATIONS.kafka, backlog: () => relay.backlog() };
}

/**
 * Registers the backlog gauge; each collection asks every source. A source that cannot answer (its
 * database is gone) is logged and left out of that collection rather than reported as 0.
 * Returns a function that unregisters the callback (for tests and shutdown).
 */
export function registerOutboxMetrics(sources: readonly BacklogSource[], logger: LoggerService): () => void {
  const gauge = metrics.getMeter('api-governance').createObservableGauge(BACKLOG.otelName, { description: BACKLOG.description, unit: BACKLOG.unit });
  const callback = async (result: ObservableResult) => {
    await Promise.all(
      sources.map(async (s) => {
        try {
          result.observe(await s.backlog(), { [OUTBOX_DESTINATION_LABEL]: s.destination });
        } catch (e) {
          logger.warn(`api-governance: outbox backlog of ${s.destination} unknown: ${(e as Error).message}`);
        }
      }),
    );
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}
