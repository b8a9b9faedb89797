/**
 * The events canary-gate publishes to Kafka (the AsyncAPI contract: backstage-plugins/catalog/apis/
 * canary-gate-events.yaml): one `canary.decision` per evaluation, and the rollback event (event.ts) with
 * the same key and an event id of its own. Event ids are deterministic for an evaluation (the API, both
 * versions, the window and the gate config), so re-sending it, or evaluating the same window again,
 * yields the same id: consumers deduplicate on it.
 */
import { createHash } from 'node:crypto';
import type { Classification, Decision } from './decision';
import type { RollbackEvent } from './event';
import type { MetricResult } from './judge';
import type { EvaluationReport } from './report';

export const DECISION_EVENT_SCHEMA_VERSION = 1;
export const DECISION_EVENT_TYPE = 'canary.decision';
export const ROLLBACK_EVENT_TYPE = 'canary.rollback';

export interface DecisionEvent {
  schemaVersion: typeof DECISION_EVENT_SCHEMA_VERSION;
  type: typeof DECISION_EVENT_TYPE;
  /** canary-decision:<evaluation id>, the same for the same evaluation. */
  eventId: string;
  /** The Kafka key: the API entity ref. */
  entityRef: string;
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  decision: Decision;
  /** The verdict summary: the whole-window verdict's classification and score, the decision's reasons. */
  classification: Classification;
  score: number;
  reasons: string[];
  metrics: Array<{ name: string; result: MetricResult; failed: boolean; critical: boolean }>;
  window: { start: string; end: string; step: string; intervals: number };
  gateName: string;
  gateConfigHash: string;
  /** ISO 8601 time of the decision (the window's end). */
  timestamp: string;
}

/** The rollback event as Kafka carries it: the webhook's event plus its id and key. */
export type KafkaRollbackEvent = RollbackEvent & { eventId: string; entityRef: string };

/**
 * The key of an API without a known entity ref: api:default/<contract api name>, the ref of the API
 * entity the pack's catalog names after the contract's `api` label in the default namespace.
 */
export function keyForApi(api: string, entityRef?: string): string {
  return entityRef ?? `api:default/${api}`;
}

/** Hex id of one evaluation: what it judged, over which window, under which gate. */
export function evaluationId(report: Pick<EvaluationReport, 'context' | 'window' | 'gateConfigHash'>): string {
  const { api, canaryVersion, baselineVersion } = report.context;
  const { start, end, step } = report.window;
  return createHash('sha256').update(JSON.stringify([api, canaryVersion, baselineVersion, start, end, step, report.gateConfigHash])).digest('hex').slice(0, 32);
}

/** The events of one evaluation: its decision, then its rollback event when it decided rollback. */
export function kafkaEventsOf(report: EvaluationReport, entityRef?: string): Array<DecisionEvent | KafkaRollbackEvent> {
  const id = evaluationId(report);
  const key = keyForApi(report.context.api, entityRef);
  const decision: DecisionEvent = {
    schemaVersion: DECISION_EVENT_SCHEMA_VERSION,
    type: DECISION_EVENT_TYPE,
    eventId: `canary-decision:${id}`,
    entityRef: key,
    api: report.context.api,
    canaryVersion: report.context.canaryVersion,
    baselineVersion: report.context.baselineVersion,
    decision: report.decision,
    classification: report.verdict.classification,
    score: report.verdict.score,
    reasons: report.judgement.reasons,
    metrics: report.verdict.metrics.map((m) => ({ name: m.metric, result: m.result, failed: m.failed, critical: m.critical })),
    window: { ...report.window },
    gateName: report.gate,
    gateConfigHash: report.gateConfigHash,
    timestamp: report.window.end,
  };
  const events: Array<DecisionEvent | KafkaRollbackEvent> = [decision];
  if (report.rollbackEvent) events.push({ ...report.rollbackEvent, eventId: `canary-rollback:${id}`, entityRef: key });
  return events;
}
