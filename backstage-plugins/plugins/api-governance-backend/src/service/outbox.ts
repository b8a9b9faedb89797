/**
 * Publishing of the recorded events (the transactional outbox).
 *
 * Every state change writes its event row in the same transaction as the change (GovernanceStore), so
 * a committed change always has its event. After the commit the router calls `flush()`, which, for each
 * event without a delivery record, oldest first:
 *   1. publishes the event on its topic through the EventsService (`metadata.eventId` = payload.eventId);
 *   2. for `api.deprecated`: sends the Backstage notification to the owners of the API's consumers
 *      (with a `scope` per deprecation, so a re-send updates the notification instead of duplicating it);
 *   3. records the delivery.
 * A failure at 1 or 2 is logged and leaves that event unpublished (retried by the next flush); the
 * other events still go out.
 * A crash between commit and step 3 leaves the row unpublished; the plugin calls `flush()` at start-up,
 * so the event is published then, with the same eventId (delivery is at least once: consumers
 * deduplicate on eventId). A failed publish is logged and retried on the next flush.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { API_DEPRECATED_TOPIC, type ApiDeprecatedEventPayload, type RecordedEvent } from '@api-observatory/backstage-plugin-api-governance-common';
import type { GovernanceStore } from './store';

export interface OutboxOptions {
  store: GovernanceStore;
  logger: LoggerService;
  /** Without it events are recorded (and listed by GET /events) but not published. */
  events?: Pick<EventsService, 'publish'>;
  /** Without it deprecations are recorded and published but nobody is notified. */
  notifications?: Pick<NotificationService, 'send'>;
  /** Link of the API page in notifications, e.g. `/catalog/default/api/orders`. */
  entityLink?: (entityRef: string) => string;
}

/** Catalog path of an entity ref (`api:default/orders` → `/catalog/default/api/orders`). */
export function catalogPath(entityRef: string): string {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(entityRef);
  return m ? `/catalog/${m[2]}/${m[1]}/${m[3]}` : '/catalog';
}

export class EventOutbox {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly options: OutboxOptions) {}

  /** Whether an EventsService is attached (events are published, not only recorded). */
  get publishing(): boolean {
    return Boolean(this.options.events);
  }

  /**
   * Publishes every unpublished event. Calls during a flush coalesce into one more flush after it, so
   * when the returned promise resolves every event recorded before the call was attempted. Never rejects.
   */
  flush(): Promise<void> {
    if (!this.options.events) return Promise.resolve();
    if (this.running) {
      this.queued ??= this.running.then(() => {
        this.queued = null;
        return this.flush();
      });
      return this.queued;
    }
    this.running = this.drain().catch((e) => {
      this.options.logger.error(`api-governance: publishing recorded events failed: ${(e as Error).message}`);
    }).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    const { store, logger } = this.options;
    const failed = new Set<string>();
    for (;;) {
      const batch = (await store.unpublishedEvents(200 + failed.size)).filter((e) => !failed.has(e.eventId));
      if (batch.length === 0) return;
      for (const event of batch) {
        try {
          await this.deliver(event);
        } catch (e) {
          // Left unpublished: retried by the next flush (the next change, or the next start).
          failed.add(event.eventId);
          logger.warn(`api-governance: could not publish ${event.topic} ${event.eventId} (retried later): ${(e as Error).message}`);
        }
      }
      if (batch.length < 200) return;
    }
  }

  private async deliver(event: RecordedEvent): Promise<void> {
    const { store, events, notifications, logger } = this.options;
    await events!.publish({ topic: event.topic, eventPayload: event.payload, metadata: { eventId: event.eventId } });
    if (event.topic === API_DEPRECATED_TOPIC && notifications) {
      const p = event.payload as ApiDeprecatedEventPayload;
      if (p.notifiedOwners.length > 0) {
        await notifications.send({
          recipients: { type: 'entity', entityRef: p.notifiedOwners, excludeEntityRef: p.actor.startsWith('user:') ? p.actor : undefined },
          payload: {
            title: `${p.entityRef} is deprecated`,
            description: `${p.entityRef}, which ${p.consumers.join(', ')} ${p.consumers.length === 1 ? 'consumes' : 'consume'}, was deprecated by ${p.actor}: ${p.reason}${p.sunsetDate ? `. Sunset date: ${p.sunsetDate}.` : '.'}`,
            link: (this.options.entityLink ?? catalogPath)(p.entityRef),
            severity: 'high',
            topic: API_DEPRECATED_TOPIC,
            scope: p.eventId,
          },
        });
      }
    }
    await store.markPublished(event.eventId);
    logger.debug(`api-governance: published ${event.topic} ${event.eventId}`);
  }
}
