export interface Config {
  /** The catalog's API definition validator (@api-observatory/backstage-plugin-catalog-backend-module-api-validator). */
  apiValidator?: {
    /** Default true. */
    enabled?: boolean;
    /**
     * false (default): invalid definitions are ingested, their errors shown on the entity page.
     * true: a definition with errors fails processing; the catalog keeps the last valid version.
     */
    rejectInvalid?: boolean;
    /** Prefixes of external $refs (http, https, file, relative paths) that are accepted. They are never fetched. */
    allowedRefs?: string[];
    /** Per-rule severity overrides. */
    rules?: { [ruleId: string]: 'error' | 'warning' | 'info' | 'off' };
    /** Lowest severity shown on the entity (default warning). */
    reportSeverity?: 'error' | 'warning' | 'info';
    /** Most findings shown per entity (default 20). */
    maxReported?: number;
    limits?: {
      /** Largest definition, in bytes (default 20 MiB: 20971520). */
      maxBytes?: number;
      /** Alias-expanded nodes allowed per parsed node, beyond maxNodes (default 10). */
      maxAliasExpansion?: number;
      /** Deepest nesting (default 64). */
      maxDepth?: number;
      /** Most nodes, estimated before parsing and counted after (default 1000000). */
      maxNodes?: number;
      /** Longest $ref chain (default 32). */
      maxRefHops?: number;
      /** Time budget of one validation in ms, parsing included (default 5000). */
      timeBudgetMs?: number;
    };
    /** Validation in a worker thread with a heap limit and a hard timeout (default enabled, 384 MB, 10 s). */
    worker?: {
      enabled?: boolean;
      timeoutMs?: number;
      maxHeapMb?: number;
    };
  };
}
