/**
 * The app's settings, stored in the plugin's jsonData through Grafana's plugin settings API
 * (POST /api/plugins/<id>/settings) by the configuration page, or by provisioning.
 */
export type GateSource = 'default' | 'inline';

export interface AppJsonData {
  /** Prometheus datasource uid (holds the contract's series and the pack's recording rules). */
  prometheusUid?: string;
  /** Loki datasource uid (the collector's OTLP logs). */
  lokiUid?: string;
  /** Tempo datasource uid (the collector's traces). */
  tempoUid?: string;
  /** Backstage base URL, for links to API entity pages. */
  backstageUrl?: string;
  /** Which gate config the Canary page judges with: the canary judge's default gate, or `gateConfig`. */
  gateSource?: GateSource;
  /** Inline gate config, YAML or JSON (the canary-gate CLI's `--config` format). */
  gateConfig?: string;
  /** Canary evaluation interval (query step and rate window), e.g. 1m: what `canary-gate evaluate --interval` takes. */
  canaryInterval?: string;
  /** Canary evaluation lookback, e.g. 10m: `canary-gate evaluate --lookback`. */
  canaryLookback?: string;
}

export interface AppSettings {
  prometheusUid: string;
  lokiUid: string;
  tempoUid: string;
  backstageUrl: string;
  gateSource: GateSource;
  gateConfig: string;
  canaryInterval: string;
  canaryLookback: string;
}

/** Defaults: the uids the plugin's provisioning gives the datasources, and the CLI's defaults. */
export const DEFAULT_SETTINGS: AppSettings = {
  prometheusUid: 'prometheus',
  lokiUid: 'loki',
  tempoUid: 'tempo',
  backstageUrl: '',
  gateSource: 'default',
  gateConfig: '',
  canaryInterval: '1m',
  canaryLookback: '10m',
};

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export function resolveSettings(jsonData: AppJsonData | undefined | null): AppSettings {
  const j = jsonData ?? {};
  return {
    prometheusUid: nonEmpty(j.prometheusUid) ? j.prometheusUid.trim() : DEFAULT_SETTINGS.prometheusUid,
    lokiUid: nonEmpty(j.lokiUid) ? j.lokiUid.trim() : DEFAULT_SETTINGS.lokiUid,
    tempoUid: nonEmpty(j.tempoUid) ? j.tempoUid.trim() : DEFAULT_SETTINGS.tempoUid,
    backstageUrl: nonEmpty(j.backstageUrl) ? j.backstageUrl.trim() : DEFAULT_SETTINGS.backstageUrl,
    gateSource: j.gateSource === 'inline' ? 'inline' : 'default',
    gateConfig: typeof j.gateConfig === 'string' ? j.gateConfig : '',
    canaryInterval: nonEmpty(j.canaryInterval) ? j.canaryInterval.trim() : DEFAULT_SETTINGS.canaryInterval,
    canaryLookback: nonEmpty(j.canaryLookback) ? j.canaryLookback.trim() : DEFAULT_SETTINGS.canaryLookback,
  };
}
