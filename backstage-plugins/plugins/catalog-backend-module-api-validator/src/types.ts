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
  /**
   * YAML aliases: with every alias expanded, a document may have up to `maxNodes` nodes, or this many
   * times its parsed node count when that is larger (documents that reuse anchors a lot).
   */
  maxAliasExpansion: number;
  /** Deepest nesting of objects / arrays. */
  maxDepth: number;
  /** Most nodes (objects, arrays, scalars) in the document: estimated before parsing, counted after. */
  maxNodes: number;
  /** Longest chain of `$ref` → `$ref` hops followed when resolving one reference. */
  maxRefHops: number;
  /** Overall time budget of one validation, in ms: parsing is stopped when it runs out, walking and linting check it. */
  timeBudgetMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  // Descriptions of large public APIs, with their payload schemas and prose, reach several MiB.
  maxBytes: 20 * 1024 * 1024,
  maxAliasExpansion: 10,
  maxDepth: 64,
  // Memory grows with the node count; the largest real descriptions have a few hundred thousand.
  maxNodes: 1_000_000,
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
  /**
   * Stopped by a time limit (the budget, or the worker's hard timeout): an outcome that depends on how
   * busy the machine was, not only on the definition.
   */
  outOfTime?: true;
}
