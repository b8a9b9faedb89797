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
    /**
     * Base URL of the Jaeger query API (`/api/traces/{id}`): the trace store of the trace view when
     * `traceStore` is unset. Not used for links (a Jaeger built without UI assets serves only a placeholder).
     */
    jaegerUrl?: string;
    /** Jaeger UI base URL; "Jaeger" trace links are shown only when set. */
    jaegerUiUrl?: string;
    /** The trace store the trace view reads from, server-side; unset: `jaegerUrl`, and without it no trace view. */
    traceStore?: {
      /** `jaeger` (query API `/api/traces/{id}`) or `tempo` (HTTP API `/api/traces/{id}`, OTLP JSON). */
      type: 'jaeger' | 'tempo';
      /** Base URL of the query API, e.g. http://tempo:3200. */
      url: string;
    };
    /** Plugin id of the API Observatory Grafana app (default `api-observatory-app`). */
    grafanaAppPluginId?: string;
    /** Availability objective used when Prometheus has no recorded SLO for an API (default 0.999). */
    defaultObjective?: number;
    /** Seconds a summary is cached (default 15). */
    cacheTtlSeconds?: number;
    /** Per-query timeout in milliseconds (default 10000). */
    queryTimeoutMs?: number;
    /**
     * The Alertmanager webhook receiver (POST /api/api-observability/alerts/webhook): alerts with an `api`
     * label become notifications for the owners of that API and show on its Observability tab. Off unless set.
     */
    alerts?: {
      /**
       * Shared secret Alertmanager sends as a bearer token (`http_config.authorization.credentials_file`);
       * at least 16 characters.
       * @visibility secret
       */
      webhookSecret?: string;
    };
  };
}
