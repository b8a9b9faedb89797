/**
 * The contract's canary decision series, in the Prometheus text format (0.0.4), for GET /metrics:
 *
 * - canary_gate_decision{api, api_version, baseline_version, decision}: state set, 1 on the latest decision
 * - canary_gate_score{api, api_version, baseline_version}: latest score, 0-100
 * - canary_gate_metric_result{api, api_version, baseline_version, gate_metric, result}: state set per gate
 *   metric, 1 on its latest result (pass, high, low, nodata)
 * - canary_gate_evaluations_total{api, api_version, decision}: evaluations by decision
 *
 * `api_version` is the canary version. Memory is bounded: beyond `maxEntries` canaries (or counter
 * series), the least recently evaluated ones are dropped.
 */
import { CANARY_DECISIONS, CANARY_METRIC_RESULTS, LABELS, METRICS, PROM } from '@api-observatory/telemetry-contract';
import type { Decision } from '../decision';
import type { MetricResult } from '../judge';
import type { EvaluationReport } from '../report';

interface Latest {
  api: string;
  apiVersion: string;
  baselineVersion: string;
  decision: Decision;
  score: number;
  results: Array<{ metric: string; result: MetricResult }>;
}

interface CounterEntry {
  api: string;
  apiVersion: string;
  decision: Decision;
  count: number;
}

/** Escapes a label value for the Prometheus text format. */
export function escapeExpositionLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(pairs: Array<[string, string]>): string {
  return `{${pairs.map(([k, v]) => `${k}="${escapeExpositionLabel(v)}"`).join(',')}}`;
}

function num(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}

const L = {
  api: LABELS.api.label,
  apiVersion: LABELS.apiVersion.label,
  baselineVersion: LABELS.baselineVersion.label,
  decision: LABELS.decision.label,
  gateMetric: LABELS.gateMetric.label,
  result: LABELS.result.label,
};

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class CanaryGateMetrics {
  private readonly latest = new Map<string, Latest>();
  private readonly counters = new Map<string, CounterEntry>();

  constructor(readonly maxEntries = 1000) {}

  /** Record an evaluation: the latest decision, score and per-metric results, and count it. */
  record(report: Pick<EvaluationReport, 'context' | 'decision' | 'judgement' | 'verdict'>): void {
    const { api, canaryVersion, baselineVersion } = report.context;
    // Per-metric results of the interval the decision rests on (the deciding one, else the latest).
    const j = report.judgement;
    const deciding = j.decidedAt !== null ? j.intervals[j.decidedAt]?.verdict : undefined;
    const verdict = deciding ?? report.verdict;
    const key = JSON.stringify([api, canaryVersion, baselineVersion]);
    this.latest.delete(key);
    this.latest.set(key, {
      api,
      apiVersion: canaryVersion,
      baselineVersion,
      decision: report.decision,
      score: verdict.score,
      results: verdict.metrics.map((m) => ({ metric: m.metric, result: m.result })),
    });
    trim(this.latest, this.maxEntries);
    const ckey = JSON.stringify([api, canaryVersion, report.decision]);
    const prev = this.counters.get(ckey);
    this.counters.delete(ckey);
    this.counters.set(ckey, { api, apiVersion: canaryVersion, decision: report.decision, count: (prev?.count ?? 0) + 1 });
    trim(this.counters, this.maxEntries * CANARY_DECISIONS.length);
  }

  /** Number of canaries with a latest decision. */
  get size(): number {
    return this.latest.size;
  }

  render(): string {
    const out: string[] = [];
    const family = (key: 'canaryDecision' | 'canaryScore' | 'canaryMetricResult' | 'canaryEvaluations') => {
      const def = METRICS[key];
      out.push(`# HELP ${PROM[key]} ${def.description}`, `# TYPE ${PROM[key]} ${def.type}`);
      return PROM[key];
    };
    const entries = [...this.latest.values()];
    const base = (e: Latest): Array<[string, string]> => [
      [L.api, e.api],
      [L.apiVersion, e.apiVersion],
      [L.baselineVersion, e.baselineVersion],
    ];

    let name = family('canaryDecision');
    for (const e of entries) for (const d of CANARY_DECISIONS) out.push(`${name}${labels([...base(e), [L.decision, d]])} ${d === e.decision ? 1 : 0}`);
    name = family('canaryScore');
    for (const e of entries) out.push(`${name}${labels(base(e))} ${num(e.score)}`);
    name = family('canaryMetricResult');
    for (const e of entries) {
      for (const r of e.results) {
        for (const res of CANARY_METRIC_RESULTS) out.push(`${name}${labels([...base(e), [L.gateMetric, r.metric], [L.result, res]])} ${res === r.result ? 1 : 0}`);
      }
    }
    name = family('canaryEvaluations');
    for (const c of this.counters.values()) out.push(`${name}${labels([[L.api, c.api], [L.apiVersion, c.apiVersion], [L.decision, c.decision]])} ${c.count}`);
    return `${out.join('\n')}\n`;
  }
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}
