import { BURN_RATE_TIERS, COMPONENT_JOBS, LABELS, SLIS } from '@api-observatory/telemetry-contract';
import { isAlert, PERSONAS, type RuleFile, type Severity } from './model';
import { canaryRuleFile } from './canary-alerts';
import { GENERATED_HEADER, stringifyYaml } from './render';
import { burnAlertName, sloRuleFile } from './slo';
import { PLATFORM_ALERTS } from './platform-alerts';
import type { SloConfig } from './slo-config';

/**
 * The Alertmanager configuration of the pack's Prometheus alerts, generated from the same rule model as
 * the rules: pages also go to the pager, every alert goes to its persona's webhook, and the per-API
 * alerts (SLO and canary rule files) also go to the API-owner receiver, a Backstage endpoint that
 * resolves the API's owning group from the catalog when the alert arrives (ownership is not typed here).
 */

export const RECEIVER_PREFIX = 'apiobs-';
export const PAGER_RECEIVER = `${RECEIVER_PREFIX}pager`;
export const API_OWNER_RECEIVER = `${RECEIVER_PREFIX}api-owner`;
export const personaReceiver = (persona: string): string => `${RECEIVER_PREFIX}${persona}`;

/** Where a receiver delivers: a URL read from a file (Docker: written from the environment) or inline. */
export type WebhookTarget = { url_file: string } | { url: string };
export interface ReceiverTarget {
  target: WebhookTarget;
  /** Bearer credentials of the webhook (the API-owner receiver's shared secret). */
  credentials?: { credentials_file: string } | { credentials: string };
}

export interface AlertmanagerOptions {
  /** Delivery of each receiver by name. */
  targets(receiver: string): ReceiverTarget;
  /** Route per-API alerts to the API-owner receiver (off where no Backstage receiver is configured). */
  apiOwner: boolean;
}

/** Routing timings by severity; the root's are the defaults. */
const SEVERITY_TIMING: Record<Severity, { group_wait?: string; repeat_interval: string }> = {
  page: { repeat_interval: '1h' },
  ticket: { group_wait: '2m', repeat_interval: '12h' },
  info: { group_wait: '5m', repeat_interval: '24h' },
};

/** Alerts whose owner is the API named by their `api` label: every alert of the SLO and canary rule files. */
export function apiOwnedAlerts(config: SloConfig): string[] {
  const files: RuleFile[] = [sloRuleFile(config), canaryRuleFile()];
  const names = files.flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlert).map((r) => r.alert)));
  return [...new Set(names)].sort();
}

const API = LABELS.api.label;
const { GatewayDown, ScrapeTargetDown, ApiNoTraffic } = PLATFORM_ALERTS as Record<string, { alert: string }>;
const PER_API_ALERTS_INHIBITED_BY_GATEWAY_DOWN = [ApiNoTraffic!.alert, ...SLIS.flatMap((sli) => BURN_RATE_TIERS.map((t) => burnAlertName(sli, t)))];

export function alertmanagerConfig(config: SloConfig, options: AlertmanagerOptions): Record<string, unknown> {
  const bySeverity = (Object.keys(SEVERITY_TIMING) as Severity[]).map((s) => ({ matchers: [`severity="${s}"`], ...SEVERITY_TIMING[s] }));
  const routes: Record<string, unknown>[] = [
    { receiver: PAGER_RECEIVER, matchers: ['severity="page"'], group_wait: '30s', repeat_interval: '1h', continue: true },
  ];
  if (options.apiOwner) {
    routes.push({
      receiver: API_OWNER_RECEIVER,
      matchers: [`alertname=~"${apiOwnedAlerts(config).join('|')}"`, `${API}=~".+"`],
      group_wait: '30s',
      repeat_interval: '4h',
      continue: true,
    });
  }
  for (const persona of PERSONAS) routes.push({ receiver: personaReceiver(persona), matchers: [`persona="${persona}"`], routes: bySeverity });

  const receiverNames = [personaReceiver('platform'), personaReceiver('product'), personaReceiver('developer'), PAGER_RECEIVER];
  if (options.apiOwner) receiverNames.push(API_OWNER_RECEIVER);
  const receivers = receiverNames.map((name) => {
    const { target, credentials } = options.targets(name);
    return {
      name,
      webhook_configs: [{ ...target, ...(credentials ? { http_config: { authorization: { type: 'Bearer', ...credentials } } } : {}), send_resolved: true }],
    };
  });
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: personaReceiver('platform'),
      group_by: ['alertname', API, LABELS.gateway.label, 'slo'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes,
    },
    // A gateway that stopped reporting explains the missing traffic and the burn-rate alerts of its APIs;
    // a collector whose own scrape fails explains a silent gateway. (API alerts carry no gateway label,
    // so any GatewayDown inhibits them.)
    inhibit_rules: [
      { source_matchers: [`alertname="${GatewayDown!.alert}"`], target_matchers: [`alertname=~"${PER_API_ALERTS_INHIBITED_BY_GATEWAY_DOWN.join('|')}"`] },
      { source_matchers: [`alertname="${ScrapeTargetDown!.alert}"`, `job="${COMPONENT_JOBS.collector}"`], target_matchers: [`alertname="${GatewayDown!.alert}"`] },
    ],
    receivers,
  };
}

/** Docker stack: webhook URLs (and the API-owner secret) from files the entrypoint writes from the environment. */
export const DOCKER_WEBHOOK_DIR = '/run/apiobs-webhooks';
export function dockerTargets(receiver: string): ReceiverTarget {
  const file = receiver.slice(RECEIVER_PREFIX.length);
  return {
    target: { url_file: `${DOCKER_WEBHOOK_DIR}/${file}` },
    ...(receiver === API_OWNER_RECEIVER ? { credentials: { credentials_file: `${DOCKER_WEBHOOK_DIR}/${file}-token` } } : {}),
  };
}

/** provisioning/alertmanager/alertmanager.yml, relative to alerts/. */
export const DOCKER_ALERTMANAGER_FILE = '../provisioning/alertmanager/alertmanager.yml';

const DOCKER_INTRO = [
  'Alertmanager routing of the pack\'s Prometheus alerts (alerts/rules) in the Docker stack:',
  '  Prometheus (rules) ──▶ Alertmanager (this file) ──▶ webhook per persona (+ the pager webhook for pages)',
  'Pages go to the pager and continue to their persona\'s webhook; alerts without a known persona land on the',
  'platform webhook (the root). Grafana-managed alerts follow the same tree (provisioning/grafana/alerting/policies.yaml).',
  'Webhook URLs come from the environment (ALERT_WEBHOOK_*_URL) through files written by entrypoint.sh.',
].join('\n# ');

/**
 * The Docker stack's file. The API-owner route stays off there until docker-compose passes the Backstage
 * receiver's URL and secret to the alertmanager service (alerts/README.md).
 */
export function renderDockerAlertmanager(config: SloConfig): string {
  return GENERATED_HEADER(DOCKER_INTRO) + stringifyYaml(alertmanagerConfig(config, { targets: dockerTargets, apiOwner: false }));
}

/**
 * The configuration with every group_wait and group_interval of its routing tree set to `to`, the tree
 * otherwise unchanged: lets tests see deliveries within seconds.
 */
export function withShortTimings(config: Record<string, unknown>, to: string): Record<string, unknown> {
  const walk = (node: Record<string, unknown>, root: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...node };
    if (root || 'group_wait' in out) out.group_wait = to;
    if (root || 'group_interval' in out) out.group_interval = to;
    if (Array.isArray(out.routes)) out.routes = (out.routes as Record<string, unknown>[]).map((r) => walk(r, false));
    return out;
  };
  return { ...config, route: walk(config.route as Record<string, unknown>, true) };
}
