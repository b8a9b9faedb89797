export interface Config {
  /** Configuration of the API Observatory observability backend plugin (`api-observability`). */
  apiObservability?: {
    /** Base URL of the Prometheus (or compatible) HTTP API holding the telemetry contract's series. */
    prometheusUrl: string;
    /**
     * Grafana base URL for trace, dashboard and app links; links are omitted when unset.
     */
    grafanaUrl?: string;
    /** Uid of the Tempo datasource in Grafana (Explore trace links need it). */
    tempoDatasourceUid?: string;
    /** Jaeger UI base URL for trace links; omitted when unset. */
    jaegerUrl?: string;
    /** Plugin id of the API Observatory Grafana app (default `api-observatory-app`). */
    grafanaAppPluginId?: string;
    /** Availability objective used when Prometheus has no recorded SLO for an API (default 0.999). */
    defaultObjective?: number;
    /** Seconds a summary is cached (default 15). */
    cacheTtlSeconds?: number;
    /** Per-query timeout in milliseconds (default 10000). */
    queryTimeoutMs?: number;
  };
}
