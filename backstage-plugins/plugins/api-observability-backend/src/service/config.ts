import type { Config } from '@backstage/config';

export interface ObservabilityConfig {
  prometheusUrl: string;
  grafanaUrl?: string;
  tempoDatasourceUid?: string;
  /** Jaeger UI base URL: trace links to the Jaeger UI only when set. */
  jaegerUiUrl?: string;
  /** Where the trace view reads traces (server-side); undefined: no trace view. */
  traceStore?: TraceStoreConfig;
  grafanaAppPluginId: string;
  defaultObjective: number;
  cacheTtlMs: number;
  queryTimeoutMs: number;
  /** The Alertmanager receiver; undefined: off. */
  alerts?: { webhookSecret: string };
}

export type TraceStoreType = 'jaeger' | 'tempo';
export interface TraceStoreConfig {
  type: TraceStoreType;
  /** Base URL of the store's query API (`/api/traces/{id}` below it). */
  url: string;
}

export const DEFAULT_GRAFANA_APP_PLUGIN_ID = 'api-observatory-app';

/** Reads the `apiObservability` section (see config.d.ts). Throws when `prometheusUrl` is missing or not http(s). */
export function readObservabilityConfig(config: Config): ObservabilityConfig {
  const c = config.getConfig('apiObservability');
  const url = (key: string, required: boolean): string | undefined => {
    const v = required ? c.getString(key) : c.getOptionalString(key);
    if (v === undefined || v === '') return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new Error(`apiObservability.${key} is not an absolute URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`apiObservability.${key} must be http(s)`);
    return v.replace(/\/+$/, '');
  };
  const storeType = c.getOptionalString('traceStore.type');
  if (storeType !== undefined && storeType !== 'jaeger' && storeType !== 'tempo') throw new Error('apiObservability.traceStore.type must be jaeger or tempo');
  const storeUrl = url('traceStore.url', storeType !== undefined);
  const jaegerUrl = url('jaegerUrl', false);
  // The Jaeger query API (jaegerUrl) is the trace store unless another one is configured.
  const traceStore: TraceStoreConfig | undefined =
    storeType && storeUrl ? { type: storeType, url: storeUrl } : jaegerUrl ? { type: 'jaeger', url: jaegerUrl } : undefined;
  const defaultObjective = c.getOptionalNumber('defaultObjective') ?? 0.999;
  if (!(defaultObjective > 0 && defaultObjective < 1)) throw new Error('apiObservability.defaultObjective must be in (0, 1)');
  return {
    prometheusUrl: url('prometheusUrl', true)!,
    grafanaUrl: url('grafanaUrl', false),
    tempoDatasourceUid: c.getOptionalString('tempoDatasourceUid') || undefined,
    jaegerUiUrl: url('jaegerUiUrl', false),
    traceStore,
    grafanaAppPluginId: c.getOptionalString('grafanaAppPluginId') ?? DEFAULT_GRAFANA_APP_PLUGIN_ID,
    defaultObjective,
    cacheTtlMs: (c.getOptionalNumber('cacheTtlSeconds') ?? 15) * 1000,
    queryTimeoutMs: c.getOptionalNumber('queryTimeoutMs') ?? 10_000,
    alerts: alertsConfig(c),
  };
}

/** A secret shorter than this is refused: it guards an unauthenticated route. */
const MIN_SECRET_LENGTH = 16;

function alertsConfig(c: Config): ObservabilityConfig['alerts'] {
  const secret = c.getOptionalString('alerts.webhookSecret');
  if (secret === undefined || secret === '') return undefined;
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`apiObservability.alerts.webhookSecret must be at least ${MIN_SECRET_LENGTH} characters`);
  return { webhookSecret: secret };
}
