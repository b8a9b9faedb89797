import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { LABELS } from '@api-observatory/telemetry-contract';
import { API_ALERT_TOPIC, type FiringAlert } from '@api-observatory/backstage-plugin-api-observability-common';
import type { WebhookAlert, WebhookPayload } from './alert-webhook';

const API = LABELS.api.label;

/** The catalog API an alert's `api` label names, and the entities that own it. */
export interface ApiOwnership {
  entityRef: string;
  /** Catalog path of the entity's Observability tab, e.g. `/catalog/default/api/orders/observability`. */
  link: string;
  owners: string[];
}

export interface AlertInboxOptions {
  notifications: Pick<NotificationService, 'send'>;
  /** Resolved when the alert arrives, so ownership is read from the catalog, never from the alert. */
  resolveApi(api: string): Promise<ApiOwnership | undefined>;
  logger: LoggerService;
}

export interface ReceiveResult {
  notified: number;
  /** Deliveries of an alert state already notified (Alertmanager repeats and retries). */
  duplicates: number;
  /** Alerts without an `api` label or whose API is not in the catalog. */
  unrouted: number;
}

const SEVERITY: Record<string, 'critical' | 'high' | 'normal'> = { page: 'critical', ticket: 'high', info: 'normal' };
/** Alert states remembered for idempotency; the oldest are forgotten beyond this. */
const MAX_REMEMBERED = 10_000;

const alertScope = (fingerprint: string) => `${API_ALERT_TOPIC}:${fingerprint}`;

function toFiring(a: WebhookAlert): FiringAlert {
  return {
    fingerprint: a.fingerprint,
    alertname: a.labels.alertname ?? '',
    severity: a.labels.severity ?? '',
    summary: a.annotations.summary ?? '',
    description: a.annotations.description ?? '',
    ...(a.annotations.runbook_url ? { runbookUrl: a.annotations.runbook_url } : {}),
    startsAt: a.startsAt,
    labels: a.labels,
  };
}

/**
 * Turns Alertmanager deliveries into Backstage notifications for the owners of the alert's API and keeps
 * the firing alerts per API for the Observability tab. One notification per alert (scope = fingerprint):
 * a resolution updates it in place. A state (fingerprint, status, start) is notified once; a state is
 * remembered only after its notification was sent, so a failed send is retried by Alertmanager.
 */
export class AlertInbox {
  private readonly firing = new Map<string, Map<string, FiringAlert>>();
  private readonly notifiedStates = new Map<string, string>();

  constructor(private readonly options: AlertInboxOptions) {}

  firingFor(api: string): FiringAlert[] {
    return [...(this.firing.get(api)?.values() ?? [])].sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.alertname.localeCompare(b.alertname));
  }

  async receive(payload: WebhookPayload): Promise<ReceiveResult> {
    const result: ReceiveResult = { notified: 0, duplicates: 0, unrouted: 0 };
    const owners = new Map<string, Promise<ApiOwnership | undefined>>();
    for (const alert of payload.alerts) {
      const api = alert.labels[API];
      const state = `${alert.status}@${alert.startsAt}`;
      if (!api) {
        result.unrouted++;
        this.options.logger.warn(`api-observability: alert ${alert.labels.alertname ?? alert.fingerprint} has no ${API} label; no owner to notify`);
        continue;
      }
      this.track(api, alert);
      if (this.notifiedStates.get(alert.fingerprint) === state) {
        result.duplicates++;
        continue;
      }
      if (!owners.has(api)) owners.set(api, this.options.resolveApi(api));
      const ownership = await owners.get(api)!;
      if (!ownership || ownership.owners.length === 0) {
        result.unrouted++;
        this.options.logger.warn(`api-observability: alert ${alert.labels.alertname} for API ${JSON.stringify(api)}: no catalog API with an owner claims it`);
        continue;
      }
      await this.notify(alert, ownership);
      this.remember(alert.fingerprint, state);
      result.notified++;
    }
    return result;
  }

  private track(api: string, alert: WebhookAlert): void {
    let perApi = this.firing.get(api);
    if (alert.status === 'firing') {
      if (!perApi) this.firing.set(api, (perApi = new Map()));
      perApi.set(alert.fingerprint, toFiring(alert));
    } else if (perApi) {
      perApi.delete(alert.fingerprint);
      if (perApi.size === 0) this.firing.delete(api);
    }
  }

  private remember(fingerprint: string, state: string): void {
    this.notifiedStates.delete(fingerprint);
    this.notifiedStates.set(fingerprint, state);
    if (this.notifiedStates.size > MAX_REMEMBERED) this.notifiedStates.delete(this.notifiedStates.keys().next().value!);
  }

  private async notify(alert: WebhookAlert, ownership: ApiOwnership): Promise<void> {
    const name = alert.labels.alertname ?? 'alert';
    const summary = alert.annotations.summary || `${name} on ${ownership.entityRef}`;
    const resolved = alert.status === 'resolved';
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef: ownership.owners },
      payload: {
        title: resolved ? `Resolved: ${summary}` : summary,
        description: resolved
          ? `${name} on ${ownership.entityRef} resolved${alert.endsAt ? ` at ${alert.endsAt}` : ''}.`
          : alert.annotations.description || `${name} is firing for ${ownership.entityRef}.`,
        link: ownership.link,
        severity: resolved ? 'low' : (SEVERITY[alert.labels.severity ?? ''] ?? 'normal'),
        topic: API_ALERT_TOPIC,
        scope: alertScope(alert.fingerprint),
      },
    });
  }
}
