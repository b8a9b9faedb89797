/**
 * The OPA policy engine: one `POST {url}/v1/data/{decisionPath}` with `{"input": …}` per decision
 * (OPA's Data API, v1 REST API). OPA answers `{"result": …}` and, when its decision logging is on,
 * `"decision_id"`, which is recorded in the audit entry. Fail closed: OPA unreachable, slower than the
 * timeout, answering an error, no `result` (an undefined decision: wrong path or policy not loaded) or a
 * result that is not a decision all throw PolicyUnavailableError, and the router changes nothing.
 */
import type { GateName } from '@api-observatory/backstage-plugin-api-governance-common';
import { ALL_GATES, PolicyUnavailableError, type PolicyDecision, type PolicyEngine, type PolicyInput, type RecordedDecision } from './policy-engine';

export interface OpaOptions {
  /** OPA's base URL, e.g. http://127.0.0.1:8181 (an optional path prefix is kept). */
  url: string;
  /** Path of the decision under /v1/data. Default api_observatory/governance/decision. */
  decisionPath?: string;
  timeoutMs?: number;
}

export const DEFAULT_DECISION_PATH = 'api_observatory/governance/decision';
const GATES = new Set<GateName>(ALL_GATES);

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** The result, if it has the decision's shape (anything else is not a decision). */
export function asDecision(x: unknown): PolicyDecision | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const d = x as Record<string, unknown>;
  if (typeof d.allow !== 'boolean' || !isStrings(d.reasons) || typeof d.tier !== 'string' || typeof d.overridden !== 'boolean') return undefined;
  if (!isStrings(d.required_gates) || !d.required_gates.every((g) => GATES.has(g as GateName))) return undefined;
  if (!Array.isArray(d.violations) || !d.violations.every((v) => typeof v?.code === 'string' && typeof v?.message === 'string')) return undefined;
  // A denial must say why; an allow with violations is contradictory.
  if (d.allow === (d.violations.length > 0)) return undefined;
  return d as unknown as PolicyDecision;
}

export class OpaPolicyEngine implements PolicyEngine {
  readonly name = 'opa' as const;
  private readonly endpoint: string;
  private readonly timeoutMs: number;

  constructor(options: OpaOptions) {
    const path = (options.decisionPath ?? DEFAULT_DECISION_PATH).replace(/^\/+|\/+$/g, '');
    if (!/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/.test(path)) throw new Error(`OPA decision path ${JSON.stringify(path)} must be slash-separated rule names, e.g. ${DEFAULT_DECISION_PATH}`);
    this.endpoint = `${options.url.replace(/\/+$/, '')}/v1/data/${path}`;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  async decide(input: PolicyInput): Promise<RecordedDecision> {
    let res: Response;
    let body: { result?: unknown; decision_id?: unknown };
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await res.json()) as typeof body;
    } catch (e) {
      const err = e as Error;
      const why = err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : err.message;
      throw new PolicyUnavailableError(`OPA at ${this.endpoint} gave no decision: ${why}`);
    }
    if (!res.ok) {
      const msg = typeof (body as { message?: unknown })?.message === 'string' ? (body as { message: string }).message : '';
      throw new PolicyUnavailableError(`OPA at ${this.endpoint} answered ${res.status}${msg ? `: ${msg}` : ''}`);
    }
    if (body.result === undefined) throw new PolicyUnavailableError(`OPA's decision at ${this.endpoint} is undefined (is the governance policy loaded at that path?)`);
    const decision = asDecision(body.result);
    if (!decision) throw new PolicyUnavailableError(`OPA's result at ${this.endpoint} is not a governance decision`);
    return {
      allow: decision.allow, reasons: decision.reasons, violations: decision.violations,
      required_gates: decision.required_gates, tier: decision.tier, overridden: decision.overridden,
      engine: 'opa', decisionId: typeof body.decision_id === 'string' ? body.decision_id : null,
    };
  }
}
