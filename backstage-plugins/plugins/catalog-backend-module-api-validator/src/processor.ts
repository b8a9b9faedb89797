import { createHash } from 'node:crypto';
import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';
import type { JsonObject, JsonValue } from '@backstage/types';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  processingResult,
  type CatalogProcessor,
  type CatalogProcessorCache,
  type CatalogProcessorEmit,
  type LocationSpec,
} from '@backstage/plugin-catalog-node';
import { ValidatorWorker } from './isolate';
import { RULES } from './rules';
import { DEFAULT_LIMITS, type Finding, type Limits, type RuleSetting, type Severity, type ValidationResult } from './types';
import { isValidatedType, validateDefinition, type ValidateInput } from './validate';
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';

/** `entity.status.items[].type` of the catalog's own processing errors; the entity page shows these. */
export const CATALOG_PROCESSING_STATUS = 'backstage.io/catalog-processing';
/** `entity.status.items[].type` of this module's warnings and infos. */
export const API_VALIDATOR_STATUS = 'api-observatory.io/api-definition';

export interface ApiValidatorConfig {
  enabled: boolean;
  /** Invalid definitions (any finding of severity error) fail processing: the entity is not (re)ingested. */
  rejectInvalid: boolean;
  allowedRefs: string[];
  rules: Record<string, RuleSetting>;
  limits: Limits;
  /** Lowest severity surfaced on the entity. */
  reportSeverity: Severity;
  /** Most findings surfaced per entity (the rest are summarized in one item). */
  maxReported: number;
  /** Validate in a worker thread with a heap limit and a hard timeout (default), or inline. */
  worker: { enabled: boolean; timeoutMs: number; maxHeapMb: number };
}

/** Enough for any definition within the default maxNodes (about 300 MB at a million nodes). */
const DEFAULT_WORKER_HEAP_MB = 384;

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const SETTINGS = ['error', 'warning', 'info', 'off'];

export function readValidatorConfig(root: Config): ApiValidatorConfig {
  const c = root.getOptionalConfig('apiValidator');
  const rules: Record<string, RuleSetting> = {};
  const rulesCfg = c?.getOptionalConfig('rules');
  for (const key of rulesCfg?.keys() ?? []) {
    const v = rulesCfg!.getString(key);
    if (!RULES[key]) throw new Error(`apiValidator.rules.${key}: unknown rule (known: ${Object.keys(RULES).join(', ')})`);
    if (!SETTINGS.includes(v)) throw new Error(`apiValidator.rules.${key}: must be one of ${SETTINGS.join(', ')}, got ${v}`);
    rules[key] = v as RuleSetting;
  }
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const v = c?.getOptionalNumber(`limits.${key}`);
    if (v !== undefined) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`apiValidator.limits.${key} must be a non-negative number`);
      limits[key] = v;
    }
  }
  const reportSeverity = (c?.getOptionalString('reportSeverity') ?? 'warning') as Severity;
  if (!(reportSeverity in SEVERITY_RANK)) throw new Error('apiValidator.reportSeverity must be error, warning or info');
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    rejectInvalid: c?.getOptionalBoolean('rejectInvalid') ?? false,
    allowedRefs: c?.getOptionalStringArray('allowedRefs') ?? [],
    rules,
    limits,
    reportSeverity,
    maxReported: c?.getOptionalNumber('maxReported') ?? 20,
    worker: {
      enabled: c?.getOptionalBoolean('worker.enabled') ?? true,
      timeoutMs: c?.getOptionalNumber('worker.timeoutMs') ?? Math.max(10_000, limits.timeBudgetMs * 2),
      maxHeapMb: c?.getOptionalNumber('worker.maxHeapMb') ?? DEFAULT_WORKER_HEAP_MB,
    },
  };
}

export const formatFinding = (f: Finding) => `[${f.rule}] ${f.message}${f.path ? ` (at ${f.path})` : ''}`;

/** Validations of one definition stopped by a time limit before that outcome is kept like any other. */
const OUT_OF_TIME_ATTEMPTS = 3;

interface CachedSummary {
  key: string;
  /** Consecutive validations of this key stopped by a time limit (they depend on the machine's load). */
  outOfTime?: number;
  errors: number;
  /** Findings at or above reportSeverity, before the maxReported cut. */
  shownTotal: number;
  findings: Finding[];
}

/**
 * Validates the definitions of API entities of type openapi / asyncapi after the other
 * processors (placeholders such as $text are resolved by then).
 *
 * - default: the entity is ingested; each error finding becomes an entity status item of type
 *   `backstage.io/catalog-processing`, level error (the entity page's processing errors panel
 *   shows it), warnings / infos status items of type `api-observatory.io/api-definition`.
 * - `rejectInvalid: true`: each error finding is emitted as `processingResult.inputError`. The
 *   catalog treats any emitted error as a failed processing run: it keeps the last successfully
 *   processed version of the entity (with these errors in its status), and an entity that never
 *   processed successfully is not served at all.
 *
 * Results are cached per entity by a hash of type, definition and configuration.
 */
export class ApiDefinitionValidatorProcessor implements CatalogProcessor {
  private readonly fingerprint: string;
  private readonly worker?: ValidatorWorker;
  private workerFailed = false;

  constructor(
    private readonly config: ApiValidatorConfig,
    private readonly logger?: LoggerService,
  ) {
    this.fingerprint = JSON.stringify([config.allowedRefs, config.rules, config.limits, config.reportSeverity, config.maxReported]);
    if (config.worker.enabled) {
      this.worker = new ValidatorWorker({ timeoutMs: config.worker.timeoutMs, maxHeapMb: config.worker.maxHeapMb }, config);
    }
  }

  /** Stops the worker thread (the module calls this at shutdown). */
  async close(): Promise<void> {
    await this.worker?.close();
  }

  private async validate(input: ValidateInput): Promise<ValidationResult> {
    if (this.worker && !this.workerFailed) {
      try {
        return await this.worker.validate(input);
      } catch (e) {
        // Only a worker that cannot start at all ends up here (e.g. worker.maxHeapMb too small to load it).
        this.workerFailed = true;
        this.logger?.error(`API definition validator: worker thread unavailable, validating inline from now on: ${(e as Error).message}`);
      }
    }
    return validateDefinition(input, this.config);
  }

  getProcessorName(): string {
    return 'ApiDefinitionValidatorProcessor';
  }

  async postProcessEntity(entity: Entity, location: LocationSpec, emit: CatalogProcessorEmit, cache: CatalogProcessorCache): Promise<Entity> {
    if (!this.config.enabled || entity.kind !== 'API') return entity;
    const spec = entity.spec ?? {};
    if (!isValidatedType(spec.type) || spec.definition === undefined) return entity;
    const annotations = entity.metadata.annotations ?? {};
    const gatewayApiName = annotations[GATEWAY_ANNOTATION] ? annotations[API_NAME_ANNOTATION] ?? entity.metadata.name : undefined;
    const definition = spec.definition as string; // validateDefinition reports a non-string
    const key = createHash('sha256')
      .update(`${spec.type}\0${gatewayApiName ?? ''}\0${this.fingerprint}\0`)
      .update(typeof definition === 'string' ? definition : JSON.stringify(definition))
      .digest('hex');
    // The cache keeps only what is surfaced (bounded by maxReported), not every finding.
    let summary: CachedSummary;
    const cached = (await cache.get<JsonValue>('result')) as unknown as CachedSummary | undefined;
    const same = cached !== undefined && cached.key === key;
    // A time limit may have been hit because the machine was busy: such a result is retried a few times.
    const retry = same && cached.outOfTime !== undefined && cached.outOfTime < OUT_OF_TIME_ATTEMPTS;
    if (same && !retry) {
      summary = cached;
    } else {
      const result = await this.validate({ type: spec.type, definition, gatewayApiName });
      this.logger?.debug(`validated ${entity.metadata.name}: ${result.detected ?? 'unknown'}, ${result.errors} errors, ${result.warnings} warnings in ${result.durationMs} ms`);
      const min = SEVERITY_RANK[this.config.reportSeverity];
      const shown = result.findings
        .filter((f) => SEVERITY_RANK[f.severity] >= min)
        .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
      summary = { key, errors: result.errors, shownTotal: shown.length, findings: shown.slice(0, this.config.maxReported) };
      if (result.outOfTime) summary.outOfTime = (same ? cached.outOfTime ?? 0 : 0) + 1;
    }
    await cache.set('result', summary as unknown as JsonObject);
    const limited = summary.findings;
    const omitted = summary.shownTotal - limited.length;

    if (this.config.rejectInvalid && summary.errors > 0) {
      const errors = limited.filter((f) => f.severity === 'error');
      for (const f of errors) emit(processingResult.inputError(location, `API definition: ${formatFinding(f)}`));
      if (summary.errors > errors.length) {
        emit(processingResult.inputError(location, `API definition: ${summary.errors - errors.length} more errors not shown; the definition was rejected (apiValidator.rejectInvalid)`));
      }
      return entity;
    }
    if (limited.length === 0) return entity;
    const items = limited.map((f) => {
      const message = `API definition: ${formatFinding(f)}`;
      return f.severity === 'error'
        ? { type: CATALOG_PROCESSING_STATUS, level: 'error' as const, message, error: { name: 'ApiDefinitionError', message } }
        : { type: API_VALIDATOR_STATUS, level: f.severity, message };
    });
    if (omitted > 0) {
      items.push({ type: API_VALIDATOR_STATUS, level: 'info', message: `API definition: ${omitted} more findings not shown (apiValidator.maxReported)` });
    }
    const alpha = entity as AlphaEntity;
    return { ...alpha, status: { ...alpha.status, items: [...(alpha.status?.items ?? []), ...items] } } as Entity;
  }
}
