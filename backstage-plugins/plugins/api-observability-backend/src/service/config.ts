import type { Config } from '@backstage/config';

export interface ObservabilityConfig {
  prometheusUrl: string;
  grafanaUrl?: string;
  tempoDatasourceUid?: string;
  jaegerUrl?: string;
  grafanaAppPluginId: string;
  defaultObjective: number;
  cacheTtlMs: number;
  queryTimeoutMs: number;
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
  const defaultObjective = c.getOptionalNumber('defaultObjective') ?? 0.999;
  if (!(defaultObjective > 0 && defaultObjective < 1)) throw new Error('apiObservability.defaultObjective must be in (0, 1)');
  return {
    prometheusUrl: url('prometheusUrl', true)!,
    grafanaUrl: url('grafanaUrl', false),
    tempoDatasourceUid: c.getOptionalString('tempoDatasourceUid') || undefined,
    jaegerUrl: url('jaegerUrl', false),
    grafanaAppPluginId: c.getOptionalString('grafanaAppPluginId') ?? DEFAULT_GRAFANA_APP_PLUGIN_ID,
    defaultObjective,
    cacheTtlMs: (c.getOptionalNumber('cacheTtlSeconds') ?? 15) * 1000,
    queryTimeoutMs: c.getOptionalNumber('queryTimeoutMs') ?? 10_000,
  };
}
