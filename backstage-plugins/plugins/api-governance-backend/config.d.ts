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
    /** Default permission policy settings (createApiGovernancePolicy / the policy module). */
    policy?: {
      /**
       * Product-manager groups and the systems (names, as in the API's spec.system) they approve for;
       * no `systems`: every system. Default: [{ groups: [group:default/product-managers] }].
       */
      productManagers?: Array<{ groups: string[]; systems?: string[] }>;
      /** Groups that may override failed gates (with a reason); members must also approve. Default: none. */
      overrideGroups?: string[];
    };
  };
}
