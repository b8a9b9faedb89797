/** Severity of a finding; `off` (config only) disables a rule. */
export type Severity = 'error' | 'warning' | 'info';
export type RuleSetting = Severity | 'off';

export interface Finding {
  /** Rule id, e.g. `operation-operationId-unique` (see RULES). */
  rule: string;
  severity: Severity;
  message: string;
  /** JSON pointer into the definition (`/paths/~1orders/get`), or '' for the document. */
  path: string;
}

export interface Limits {
  /** Largest definition accepted, in bytes (UTF-8), checked before parsing. */
  maxBytes: number;
  /** YAML alias expansion budget (the `yaml` package's maxAliasCount). */
  maxAliasCount: number;
  /** Deepest nesting of objects / arrays. */
  maxDepth: number;
  /** Most nodes (objects, arrays, scalars) in the parsed document. */
  maxNodes: number;
  /** Longest chain of `$ref` → `$ref` hops followed when resolving one reference. */
  maxRefHops: number;
  /** Overall time budget of one validation, in ms (checked between steps and while walking). */
  timeBudgetMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBytes: 5 * 1024 * 1024,
  maxAliasCount: 100,
  maxDepth: 64,
  maxNodes: 2_000_000,
  maxRefHops: 32,
  timeBudgetMs: 5_000,
};

export interface ValidatorOptions {
  /** Prefixes of external (`http:`, `https:`, `file:`, relative) `$ref`s that are allowed. Default: none. */
  allowedRefs?: readonly string[];
  /** Per-rule severity overrides (`off` disables). */
  rules?: Readonly<Record<string, RuleSetting>>;
  limits?: Partial<Limits>;
}

export type SpecKind = 'openapi' | 'asyncapi';

export interface ValidationResult {
  /** The definition's dialect as detected, e.g. `openapi 3.1.0`, `swagger 2.0`, `asyncapi 2.6.0`. */
  detected?: string;
  findings: Finding[];
  /** Number of findings of severity `error`. */
  errors: number;
  warnings: number;
  durationMs: number;
}
