/**
 * From metric verdicts to score, classification and decision.
 *
 * Safety property: "promote" is returned in exactly one place, and only when hasConclusivePass() holds:
 * every configured metric has a verdict, none failed, none lacks data, each side has at least the metric's
 * minimum sample size of finite values and the test produced finite evidence. Missing, empty or NaN data
 * can therefore never lead to "promote".
 */
import type { GateConfig } from './config/types';
import type { MetricVerdict } from './judge';

export type Classification = 'pass' | 'marginal' | 'fail' | 'nodata';
/** promote the canary, continue (hold: keep the canary running, need more data), or roll it back. */
export type Decision = 'promote' | 'continue' | 'rollback';

export interface GateDecision {
  score: number;
  classification: Classification;
  decision: Decision;
  reasons: string[];
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Whether one metric verdict is a real, non-failing result backed by enough finite samples. */
export function isConclusiveNonFailure(m: MetricVerdict): boolean {
  const e = m.evidence;
  return (
    (m.result === 'pass' || m.result === 'high' || m.result === 'low') &&
    m.failed === false &&
    e.statisticalResult !== null &&
    Number.isInteger(m.minSamples) &&
    m.minSamples >= 1 &&
    e.baseline.n >= m.minSamples &&
    e.canary.n >= m.minSamples &&
    e.baseline.infinite === 0 &&
    e.canary.infinite === 0 &&
    isFiniteNumber(e.shift) &&
    isFiniteNumber(e.pValue) &&
    e.ci !== null &&
    isFiniteNumber(e.ci.lower) &&
    isFiniteNumber(e.ci.upper)
  );
}

/**
 * True only when there is at least one metric, every configured metric (when a config is given) has
 * exactly one verdict, and every verdict is a conclusive non-failure.
 */
export function hasConclusivePass(metrics: readonly MetricVerdict[], config?: Pick<GateConfig, 'metrics'>): boolean {
  if (metrics.length === 0) return false;
  if (config) {
    if (config.metrics.length !== metrics.length) return false;
    for (const mc of config.metrics) {
      const found = metrics.filter((m) => m.metric === mc.name);
      if (found.length !== 1 || found[0]!.minSamples < mc.minSamples) return false;
    }
  }
  return metrics.every(isConclusiveNonFailure);
}

/** Weighted share of the metrics with data that did not fail (0-100), or null when none has data. */
export function scoreMetrics(metrics: readonly MetricVerdict[]): number | null {
  let total = 0;
  let ok = 0;
  for (const m of metrics) {
    if (m.result === 'nodata') continue;
    total += m.weight;
    if (!m.failed) ok += m.weight;
  }
  return total > 0 ? (100 * ok) / total : null;
}

/**
 * Decision rules, first match wins:
 * 1. a critical metric failed → rollback;
 * 2. the score classification is fail → rollback;
 * 3. some metric has no data → rollback if onNoData is "fail", else continue;
 * 4. the classification is marginal → continue;
 * 5. hasConclusivePass → promote;
 * 6. otherwise continue.
 */
export function decide(metrics: readonly MetricVerdict[], config: Pick<GateConfig, 'metrics' | 'thresholds' | 'onNoData'>): GateDecision {
  const reasons: string[] = [];
  const raw = scoreMetrics(metrics);
  const score = raw ?? 0;
  const failed = metrics.filter((m) => m.failed);
  const criticalFailed = failed.filter((m) => m.critical);
  const noData = metrics.filter((m) => m.result === 'nodata');

  let classification: Classification;
  if (raw === null) classification = 'nodata';
  else if (criticalFailed.length > 0) classification = 'fail';
  else if (raw >= config.thresholds.pass) classification = 'pass';
  else if (raw >= config.thresholds.marginal) classification = 'marginal';
  else classification = 'fail';

  if (metrics.length === 0) reasons.push('no metrics were judged');
  if (raw !== null) {
    reasons.push(
      `score ${round(score)} of 100 over ${metrics.length - noData.length} metric(s) with data (pass >= ${config.thresholds.pass}, marginal >= ${config.thresholds.marginal}): ${classification}`,
    );
  } else if (metrics.length > 0) reasons.push('no metric has enough data');
  for (const m of failed) reasons.push(`${m.critical ? 'critical ' : ''}metric ${m.metric} failed (${m.result})`);
  if (noData.length) reasons.push(`no data for ${noData.map((m) => m.metric).join(', ')} (onNoData: ${config.onNoData})`);

  const out = (decision: Decision, why: string): GateDecision => ({ score, classification, decision, reasons: [...reasons, why] });
  if (criticalFailed.length > 0) return out('rollback', `rollback: critical metric ${criticalFailed.map((m) => m.metric).join(', ')} failed`);
  if (classification === 'fail') return out('rollback', 'rollback: the score is below the marginal threshold');
  if (noData.length > 0 || metrics.length === 0) {
    return config.onNoData === 'fail'
      ? out('rollback', 'rollback: missing data and onNoData is "fail"')
      : out('continue', 'continue: hold until every metric has enough data');
  }
  if (classification === 'marginal') return out('continue', 'continue: marginal score, gather more evidence');
  if (classification === 'pass' && hasConclusivePass(metrics, config)) return out('promote', 'promote: every metric passed with enough data');
  return out('continue', 'continue: the evidence is not conclusive');
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
