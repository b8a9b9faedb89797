import { GATE_QUERY_NAMES } from '../query-names';
import { Checker, joinPath } from '../validation';
import {
  CONFIG_DEFAULTS,
  type Direction,
  type EarlyRules,
  type GateConfig,
  type Guard,
  type GuardStatistic,
  type IntervalRules,
  type MetricConfig,
  type MetricDefaults,
  type OnNoData,
  type Tolerance,
} from './types';

const DIRECTIONS: readonly Direction[] = ['increase', 'decrease', 'either'];
const GUARD_STATISTICS: readonly GuardStatistic[] = ['median', 'mean', 'max', 'min', 'last'];
const ON_NO_DATA: readonly OnNoData[] = ['hold', 'fail'];

const ROOT_FIELDS = ['schemaVersion', 'name', 'onNoData', 'thresholds', 'defaults', 'intervals', 'early', 'minRequestsPerInterval', 'metrics'] as const;
const METRIC_FIELDS = ['name', 'description', 'unit', 'direction', 'critical', 'weight', 'minSamples', 'confidenceLevel', 'tolerance', 'guard', 'query'] as const;

const RULES = {
  weight: { above: 0 },
  minSamples: { integer: true, min: 1 },
  confidenceLevel: { above: 0, below: 1 },
  score: { min: 0, max: 100 },
  count: { integer: true, min: 1 },
  requests: { integer: true, min: 0 },
  earlyMinSamples: { integer: true, min: 2 },
  earlyAlpha: { min: 0, max: 0.1 },
  tolerance: { min: 0 },
};

/**
 * Validate a parsed gate document (from YAML or JSON) and fill in defaults.
 * Throws a ValidationError listing every problem, each naming its field path.
 */
export function validateGateConfig(raw: unknown, source?: string): GateConfig {
  const c = new Checker('gate config');
  const root = c.object(raw, '', ROOT_FIELDS);
  if (!root) {
    c.throwIfAny('gate config', source);
    throw new Error('unreachable');
  }

  if (root.schemaVersion !== undefined && root.schemaVersion !== 1) c.fail('schemaVersion', `must be 1, got ${JSON.stringify(root.schemaVersion)}`);
  const name = c.optional(root.name, CONFIG_DEFAULTS.name, (v) => c.string(v, 'name', { nonEmpty: true }));
  const onNoData = c.optional(root.onNoData, CONFIG_DEFAULTS.onNoData, (v) => c.oneOf(v, 'onNoData', ON_NO_DATA));

  // thresholds
  let thresholds = { ...CONFIG_DEFAULTS.thresholds };
  if (root.thresholds !== undefined) {
    const t = c.object(root.thresholds, 'thresholds', ['pass', 'marginal']);
    if (t) {
      const pass = c.optional(t.pass, CONFIG_DEFAULTS.thresholds.pass, (v) => c.number(v, 'thresholds.pass', RULES.score));
      const marginal = c.optional(t.marginal, CONFIG_DEFAULTS.thresholds.marginal, (v) => c.number(v, 'thresholds.marginal', RULES.score));
      if (pass !== undefined && marginal !== undefined) {
        if (marginal > pass) c.fail('thresholds.marginal', `must be <= thresholds.pass (${pass}), got ${marginal}`);
        thresholds = { pass, marginal };
      }
    }
  }

  // defaults
  const defaults = { ...CONFIG_DEFAULTS.metric };
  if (root.defaults !== undefined) {
    const d = c.object(root.defaults, 'defaults', ['minSamples', 'confidenceLevel', 'weight']);
    if (d) {
      const minSamples = c.optional(d.minSamples, defaults.minSamples, (v) => c.number(v, 'defaults.minSamples', RULES.minSamples));
      const confidenceLevel = c.optional(d.confidenceLevel, defaults.confidenceLevel, (v) => c.number(v, 'defaults.confidenceLevel', RULES.confidenceLevel));
      const weight = c.optional(d.weight, defaults.weight, (v) => c.number(v, 'defaults.weight', RULES.weight));
      if (minSamples !== undefined) defaults.minSamples = minSamples;
      if (confidenceLevel !== undefined) defaults.confidenceLevel = confidenceLevel;
      if (weight !== undefined) defaults.weight = weight;
    }
  }

  // interval rules
  const intervals: IntervalRules = { ...CONFIG_DEFAULTS.intervals };
  if (root.intervals !== undefined) {
    const keys = Object.keys(CONFIG_DEFAULTS.intervals) as (keyof IntervalRules)[];
    const r = c.object(root.intervals, 'intervals', keys);
    if (r) {
      for (const k of keys) {
        const v = c.optional(r[k], intervals[k], (x) => c.number(x, `intervals.${k}`, RULES.count));
        if (v !== undefined) intervals[k] = v;
      }
    }
  }

  // early rollback
  const early: EarlyRules = { ...CONFIG_DEFAULTS.early };
  if (root.early !== undefined) {
    const e = c.object(root.early, 'early', ['minSamples', 'alpha']);
    if (e) {
      const minSamples = c.optional(e.minSamples, early.minSamples, (v) => c.number(v, 'early.minSamples', RULES.earlyMinSamples));
      const alpha = c.optional(e.alpha, early.alpha, (v) => c.number(v, 'early.alpha', RULES.earlyAlpha));
      if (minSamples !== undefined) early.minSamples = minSamples;
      if (alpha !== undefined) early.alpha = alpha;
    }
  }

  const minRequestsPerInterval = c.optional(root.minRequestsPerInterval, CONFIG_DEFAULTS.minRequestsPerInterval, (v) =>
    c.number(v, 'minRequestsPerInterval', RULES.requests),
  );

  // metrics
  const metrics: MetricConfig[] = [];
  if (root.metrics === undefined) c.fail('metrics', 'is required (a list of metric checks)');
  else {
    const list = c.array(root.metrics, 'metrics', { minLength: 1 });
    const seen = new Map<string, number>();
    list?.forEach((item, i) => {
      const m = readMetric(c, item, joinPath('metrics', i), defaults);
      if (!m) return;
      const prev = seen.get(m.name);
      if (prev !== undefined) c.fail(joinPath(joinPath('metrics', i), 'name'), `duplicates metrics[${prev}].name ("${m.name}")`);
      else seen.set(m.name, i);
      metrics.push(m);
    });
  }

  c.throwIfAny('gate config', source);
  return { name: name!, onNoData: onNoData!, thresholds, intervals, early, minRequestsPerInterval: minRequestsPerInterval!, metrics };
}

function readMetric(c: Checker, raw: unknown, path: string, defaults: MetricDefaults): MetricConfig | undefined {
  const o = c.object(raw, path, METRIC_FIELDS);
  if (!o) return undefined;
  const at = (k: string) => joinPath(path, k);
  const before = c.issues.length;

  const name = o.name === undefined ? c.fail(at('name'), 'is required') : c.string(o.name, at('name'), { nonEmpty: true });
  const description = c.optional(o.description, undefined, (v) => c.string(v, at('description')));
  const unit = c.optional(o.unit, undefined, (v) => c.string(v, at('unit')));
  const direction =
    o.direction === undefined
      ? c.fail(at('direction'), `is required: one of "increase", "decrease", "either" (which deviation of the canary is bad)`)
      : c.oneOf(o.direction, at('direction'), DIRECTIONS);
  const critical = c.optional(o.critical, defaults.critical, (v) => c.boolean(v, at('critical')));
  const weight = c.optional(o.weight, defaults.weight, (v) => c.number(v, at('weight'), RULES.weight));
  const minSamples = c.optional(o.minSamples, defaults.minSamples, (v) => c.number(v, at('minSamples'), RULES.minSamples));
  const confidenceLevel = c.optional(o.confidenceLevel, defaults.confidenceLevel, (v) => c.number(v, at('confidenceLevel'), RULES.confidenceLevel));
  const query = c.optional(o.query, undefined, (v) => c.oneOf(v, at('query'), GATE_QUERY_NAMES));

  const tolerance: Tolerance = {};
  if (o.tolerance !== undefined) {
    const t = c.object(o.tolerance, at('tolerance'), ['relative', 'absolute']);
    if (t) {
      const relative = c.optional(t.relative, undefined, (v) => c.number(v, joinPath(at('tolerance'), 'relative'), RULES.tolerance));
      const absolute = c.optional(t.absolute, undefined, (v) => c.number(v, joinPath(at('tolerance'), 'absolute'), RULES.tolerance));
      if (relative !== undefined) tolerance.relative = relative;
      if (absolute !== undefined) tolerance.absolute = absolute;
    }
  }

  let guard: Guard | undefined;
  if (o.guard !== undefined) {
    const gp = at('guard');
    const g = c.object(o.guard, gp, ['max', 'min', 'statistic']);
    if (g) {
      const max = c.optional(g.max, undefined, (v) => c.number(v, joinPath(gp, 'max')));
      const min = c.optional(g.min, undefined, (v) => c.number(v, joinPath(gp, 'min')));
      const statistic = c.optional(g.statistic, CONFIG_DEFAULTS.guardStatistic, (v) => c.oneOf(v, joinPath(gp, 'statistic'), GUARD_STATISTICS));
      if (g.max === undefined && g.min === undefined) c.fail(gp, 'must set max, min or both');
      if (max !== undefined && min !== undefined && min > max) c.fail(joinPath(gp, 'min'), `must be <= ${gp}.max (${max}), got ${min}`);
      guard = { statistic: statistic! };
      if (max !== undefined) guard.max = max;
      if (min !== undefined) guard.min = min;
    }
  }

  if (c.issues.length > before) return undefined;
  const metric: MetricConfig = {
    name: name!,
    direction: direction!,
    critical: critical!,
    weight: weight!,
    minSamples: minSamples!,
    confidenceLevel: confidenceLevel!,
    tolerance,
  };
  if (description !== undefined) metric.description = description;
  if (unit !== undefined) metric.unit = unit;
  if (guard) metric.guard = guard;
  if (query !== undefined) metric.query = query;
  return metric;
}
