/**
 * Flagger webhooks (`POST /v1/flagger/<hook>`). Flagger POSTs its webhook payload
 * (`{name, namespace, phase, checksum?, metadata?}`, fluxcd/flagger pkg/apis/flagger/v1beta1
 * CanaryWebhookPayload) and proceeds only on HTTP 200-202 (pkg/controller/webhook.go: a status above 202
 * is a failed check, its body goes to the canary's events). The gate answers 200 when the hook may
 * proceed, 409 when it must not:
 *
 * - `pre-rollout`, `rollout`: proceed unless the judge decides rollback (a hold, no canary traffic yet,
 *   or no baseline yet is no reason to count a failed check);
 * - `confirm-promotion`: proceed only on promote with conclusive evidence (Flagger keeps the canary
 *   paused, and keeps running its checks and rollout hooks, until then).
 *
 * The API is `metadata.api`, or the canary's name; `metadata.canary` / `metadata.baseline` pin versions
 * (else they are discovered), `metadata.interval` / `metadata.lookback` set the window.
 */
import type { GateConfig } from '../config/types';
import { readReport, type ReportReading } from '../outcome';
import type { EvaluationReport } from '../report';
import { CanaryNotFoundError, validateEvaluateRequest, type EvaluateRequest } from '../service';
import { flaggerPayloadSchema, FLAGGER_METADATA_FIELDS, parseWith, throwIfAny } from '../request-schema';

export const FLAGGER_HOOKS = ['pre-rollout', 'rollout', 'confirm-promotion'] as const;
export type FlaggerHook = (typeof FLAGGER_HOOKS)[number];

export function isFlaggerHook(s: string): s is FlaggerHook {
  return (FLAGGER_HOOKS as readonly string[]).includes(s);
}

/** A Flagger webhook payload as an evaluation request (a ValidationError names each bad field). */
export function flaggerRequest(raw: unknown, config: GateConfig): { request: EvaluateRequest; canary: string } {
  // Other payload fields (phase, checksum, ...) are ignored: Flagger versions differ in what they send.
  const parsed = parseWith(flaggerPayloadSchema, raw, 'Flagger webhook payload', FLAGGER_METADATA_FIELDS);
  throwIfAny('Flagger webhook payload', parsed.issues);
  const { name, namespace, metadata = {} } = parsed.value!;
  const request = validateEvaluateRequest({ ...metadata, api: metadata.api ?? name }, config);
  return { request, canary: namespace ? `${namespace}/${name}` : name };
}

export interface FlaggerAnswer {
  /** 200: Flagger proceeds; 409: it halts (a failed check, or a paused promotion). */
  status: 200 | 409;
  body: {
    hook: FlaggerHook;
    canary: string;
    proceed: boolean;
    /** The judge's decision; null when there was nothing to judge. */
    decision: EvaluationReport['decision'] | null;
    outcome: ReportReading['outcome'] | 'no-canary' | 'no-baseline';
    summary: string;
    reasons: string[];
  };
}

/** The answer to a hook from an evaluation report. */
export function answerFromReport(hook: FlaggerHook, canary: string, report: EvaluationReport): FlaggerAnswer {
  const reading = readReport(report);
  const proceed = hook === 'confirm-promotion' ? reading.outcome === 'promote' : reading.outcome !== 'rollback';
  return {
    status: proceed ? 200 : 409,
    body: { hook, canary, proceed, decision: report.decision, outcome: reading.outcome, summary: reading.summary, reasons: reading.reasons.slice(0, 10) },
  };
}

/** The answer to a hook when discovery found nothing to judge. */
export function answerFromNotFound(hook: FlaggerHook, canary: string, e: CanaryNotFoundError): FlaggerAnswer {
  const proceed = hook !== 'confirm-promotion';
  return {
    status: proceed ? 200 : 409,
    body: { hook, canary, proceed, decision: null, outcome: e.discovery.kind, summary: e.message, reasons: [] },
  };
}
