export interface Config {
  /** API governance backend plugin (plugins/api-governance-backend). */
  apiGovernance?: {
    /** Environments in promotion order; a request promotes from one to the next. Default: [staging, production]. */
    environments?: string[];
    /** Maximum length of a comment or reason, in characters. Default 2000. */
    maxCommentLength?: number;
    deprecation?: {
      /**
       * Notify the owners of the consumers of a deprecated API through Backstage notifications (needs
       * @backstage/plugin-notifications-backend in the backend). Default true.
       */
      notifyConsumers?: boolean;
    };
    gates?: {
      definition?: { required?: boolean };
      canary?: {
        /** `none` (default: no data, so "not passed") or `http`: POST {url}/v1/evaluate of a canary-gate server. */
        source?: 'none' | 'http';
        url?: string;
        required?: boolean;
        timeoutMs?: number;
      };
      slo?: {
        /**
         * Prometheus holding the pack's SLO recording rules (alerts/). The gate fails while the alerts'
         * multi-window burn-rate condition holds for the API (annotation api-observatory.io/api-name),
         * passes when it does not, and is `unknown` without data. Without it the gate is `unknown`.
         */
        prometheusUrl?: string;
        required?: boolean;
        /** Timeout of each Prometheus query in milliseconds. Default 10000. */
        timeoutMs?: number;
      };
    };
    /**
     * Relays every governance event from the outbox to Kafka, keyed by the API entity ref, at least once
     * (AsyncAPI: the catalog's governance-events API, channel governanceEvents). Without it: no relay.
     */
    kafka?: {
      /** Bootstrap servers, `host:port`. */
      brokers: string[];
      /** Default backstage-api-governance. */
      clientId?: string;
      /** Default api-governance.events. */
      topic?: string;
      /** Create the topic when missing (needs the create permission on the cluster). Default false. */
      createTopic?: boolean;
      /** Partitions of a topic the relay creates. Default 3. */
      partitions?: number;
      /** Connect with TLS. Default false. */
      ssl?: boolean;
      sasl?: {
        mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
        username: string;
        /** @visibility secret */
        password: string;
      };
      /** How often the outbox is checked for events to relay, in ms. Default 1000. */
      pollIntervalMs?: number;
    };
    /** Default permission policy settings (createApiGovernancePolicy / the policy module). */
    policy?: {
      /**
       * Product-manager groups and the systems (names, as in the API's spec.system) they approve for;
       * no `systems`: every system. Default: [{ groups: [group:default/product-managers] }].
       */
      productManagers?: Array<{ groups: string[]; systems?: string[] }>;
      /** Groups that may override failed gates (with a reason); members must also approve. Default: none. */
      overrideGroups?: string[];
      /** Groups that approve for every system and may override failed gates. Default: none. */
      productLeads?: string[];
      /**
       * Gates an approval needs per tier (the API's annotation api-observatory.io/tier) and target
       * environments (none: every one), e.g. [{ tier: internal, gates: [definition] }, { tier: tier-1,
       * environments: [production], gates: [canary, definition, slo] }]. The `default` tier (no or an
       * unknown tier) defaults to the gates marked `required` above. Gate names are those of the gate
       * registry (`GET /api/api-governance/gates`); an unknown name refuses to start.
       */
      requiredGates?: Array<{ tier: string; environments?: string[]; gates: string[] }>;
      /** Change-freeze windows [start, end) (RFC 3339): no approval or promotion into `environments` (`*`: all) meanwhile, except by `exemptGroups`. */
      freezes?: Array<{ name: string; environments: string[]; start: string; end: string; exemptGroups?: string[] }>;
      /**
       * The policy decision point asked before every change: `builtin` (default: the policy in TypeScript
       * over these settings) or `opa` (the policies/ Rego bundle in your OPA, with its own data). No
       * decision from OPA (down, slow, undefined) refuses the change with 503 POLICY_UNAVAILABLE.
       */
      engine?: 'builtin' | 'opa';
      opa?: {
        /** OPA's base URL, e.g. http://127.0.0.1:8181. */
        url: string;
        /** Timeout of one decision in milliseconds. Default 2000. */
        timeoutMs?: number;
        /** The decision under /v1/data. Default api_observatory/governance/decision. */
        decisionPath?: string;
      };
    };
  };
}
