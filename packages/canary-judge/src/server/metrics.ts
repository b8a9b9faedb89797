/**
 * The contract's canary decision series for GET /metrics, kept with prom-client in a registry of this
 * server's own (never the global one, so an embedding program's metrics stay apart):
 *
 * - canary_gate_decision{api, api_version, baseline_version, decision}: state set, 1 on the latest decision
 * - canary_gate_score{api, api_version, baseline_version}: latest score, 0-100
 * - canary_gate_metric_result{api, api_version, baseline_version, gate_metric, result}: state set per gate
 *   metric, 1 on its latest result (pass, high, low, nodata)
 * - canary_gate_evaluations_total{api, api_version, decision}: evaluations by decision
 *
 * Names, help texts and labels come from the telemetry contract. `api_version` is the canary version.
 * Memory is bounded: beyond `maxEntries` canaries (or counter series), the least recently evaluated ones
 * are dropped, with their series.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { CANARY_DECISIONS, CANARY_METRIC_RESULTS, LABELS, METRICS, PROM } from '@api-observatory/telemetry-contract';
import type { Decision } from '../decision';
import type { MetricResult } from '../judge';
import type { EvaluationReport } from '../report';

interface Latest {
  base: Record<string, string>;
  results: Array<{ metric: string; result: MetricResult }>;
}

const L = {
  api: LABELS.api.label,
  apiVersion: LABELS.apiVersion.label,
  baselineVersion: LABELS.baselineVersion.label,
  decision: LABELS.decision.label,
  gateMetric: LABELS.gateMetric.label,
  result: LABELS.result.label,
};

export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

type CanaryMetricKey = 'canaryDecision' | 'canaryScore' | 'canaryMetricResult' | 'canaryEvaluations';

/** prom-client's name, help and label names of a contract metric. */
function family(key: CanaryMetricKey) {
  return { name: PROM[key], help: METRICS[key].description, labelNames: METRICS[key].labels.map((l) => LABELS[l].label) };
}

export class CanaryGateMetrics {
  /** The registry GET /metrics renders (this instance's own). */
  readonly registry = new Registry();
  private readonly decision: Gauge;
  private readonly score: Gauge;
  private readonly metricResult: Gauge;
  private readonly evaluations: Counter;
  private readonly latest = new Map<string, Latest>();
  private readonly counters = new Map<string, Record<string, string>>();

  constructor(readonly maxEntries = 1000) {
    const registers = [this.registry];
    this.decision = new Gauge({ ...family('canaryDecision'), registers });
    this.score = new Gauge({ ...family('canaryScore'), registers });
    this.metricResult = new Gauge({ ...family('canaryMetricResult'), registers });
    this.evaluations = new Counter({ ...family('canaryEvaluations'), registers });
  }

  /** Record an evaluation: the latest decision, score and per-metric results, and count it. */
  record(report: Pick<EvaluationReport, 'context' | 'decision' | 'judgement' | 'verdict'>): void {
    const { api, canaryVersion, baselineVersion } = report.context;
    // Per-metric results of the interval the decision rests on (the deciding one, else the latest).
    const j = report.judgement;
    const deciding = j.decidedAt !== null ? j.intervals[j.decidedAt]?.verdict : undefined;
    const verdict = deciding ?? report.verdict;
    const key = JSON.stringify([api, canaryVersion, baselineVersion]);
    const prev = this.latest.get(key);
    if (prev) this.removeLatest(prev);
    this.latest.delete(key);
    const base = { [L.api]: api, [L.apiVersion]: canaryVersion, [L.baselineVersion]: baselineVersion };
    const entry: Latest = { base, results: verdict.metrics.map((m) => ({ metric: m.metric, result: m.result })) };
    this.latest.set(key, entry);
    for (const d of CANARY_DECISIONS) this.decision.set({ ...base, [L.decision]: d }, d === report.decision ? 1 : 0);
    this.score.set(base, verdict.score);
    for (const r of entry.results) {
      for (const res of CANARY_METRIC_RESULTS) this.metricResult.set({ ...base, [L.gateMetric]: r.metric, [L.result]: res }, res === r.result ? 1 : 0);
    }
    while (this.latest.size > this.maxEntries) {
      const [oldest, e] = this.latest.entries().next().value!;
      this.removeLatest(e);
      this.latest.delete(oldest);
    }

    const counter = { [L.api]: api, [L.apiVersion]: canaryVersion, [L.decision]: report.decision as Decision };
    const ckey = JSON.stringify([api, canaryVersion, report.decision]);
    this.counters.delete(ckey);
    this.counters.set(ckey, counter);
    this.evaluations.inc(counter);
    while (this.counters.size > this.maxEntries * CANARY_DECISIONS.length) {
      const [oldest, labels] = this.counters.entries().next().value!;
      this.evaluations.remove(labels);
      this.counters.delete(oldest);
    }
  }

  private removeLatest(e: Latest): void {
    for (const d of CANARY_DECISIONS) this.decision.remove({ ...e.base, [L.decision]: d });
    this.score.remove(e.base);
    for (const r of e.results) for (const res of CANARY_METRIC_RESULTS) this.metricResult.remove({ ...e.base, [L.gateMetric]: r.metric, [L.result]: res });
  }

  /** Number of canaries with a latest decision. */
  get size(): number {
    return this.latest.size;
  }

  /** The Prometheus text exposition (METRICS_CONTENT_TYPE). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
