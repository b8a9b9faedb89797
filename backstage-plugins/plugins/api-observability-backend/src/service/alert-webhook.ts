/**
 * Alertmanager's webhook payload, version 4 (prometheus/alertmanager `notify/webhook/webhook.go` and
 * `template.Data` at v0.31.1): `{ version: "4", receiver, status, alerts[], groupLabels, commonLabels,
 * commonAnnotations, externalURL, groupKey, truncatedAlerts }`, each alert `{ status, labels, annotations,
 * startsAt, endsAt, generatorURL, fingerprint }`.
 */
export type AlertStatus = 'firing' | 'resolved';

export interface WebhookAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: '4';
  receiver: string;
  status: AlertStatus;
  alerts: WebhookAlert[];
  truncatedAlerts: number;
}

export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FINGERPRINT = /^[0-9a-f]{1,32}$/;
const MAX_ALERTS = 1000;

function stringMap(v: unknown, at: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new WebhookPayloadError(`${at} must be an object of strings`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new WebhookPayloadError(`${at}.${k} must be a string`);
  return v as Record<string, string>;
}

function status(v: unknown, at: string): AlertStatus {
  if (v !== 'firing' && v !== 'resolved') throw new WebhookPayloadError(`${at} must be firing or resolved, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates a webhook body; throws WebhookPayloadError naming the first bad field. */
export function parseWebhookPayload(body: unknown): WebhookPayload {
  if (!isObject(body)) throw new WebhookPayloadError('the body must be a JSON object (Alertmanager webhook payload)');
  if (body.version !== '4') throw new WebhookPayloadError(`version must be "4" (Alertmanager webhook payload), got ${JSON.stringify(body.version)}`);
  if (!Array.isArray(body.alerts)) throw new WebhookPayloadError('alerts must be an array');
  if (body.alerts.length > MAX_ALERTS) throw new WebhookPayloadError(`at most ${MAX_ALERTS} alerts per delivery (set max_alerts in the webhook config)`);
  const alerts = body.alerts.map((a: unknown, i: number): WebhookAlert => {
    const at = `alerts[${i}]`;
    if (!isObject(a)) throw new WebhookPayloadError(`${at} must be an object`);
    if (typeof a.fingerprint !== 'string' || !FINGERPRINT.test(a.fingerprint)) throw new WebhookPayloadError(`${at}.fingerprint must be Alertmanager's hexadecimal fingerprint`);
    const startsAt = typeof a.startsAt === 'string' ? a.startsAt : '';
    if (Number.isNaN(Date.parse(startsAt))) throw new WebhookPayloadError(`${at}.startsAt must be a time`);
    return {
      status: status(a.status, `${at}.status`),
      labels: stringMap(a.labels, `${at}.labels`),
      annotations: stringMap(a.annotations, `${at}.annotations`),
      startsAt,
      endsAt: typeof a.endsAt === 'string' ? a.endsAt : '',
      fingerprint: a.fingerprint,
    };
  });
  return {
    version: '4',
    receiver: typeof body.receiver === 'string' ? body.receiver : '',
    status: status(body.status, 'status'),
    alerts,
    truncatedAlerts: typeof body.truncatedAlerts === 'number' ? body.truncatedAlerts : 0,
  };
}
