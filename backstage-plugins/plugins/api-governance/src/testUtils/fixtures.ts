import type { AuditEntry, GateInfo, GateReport, PromotionAction, PromotionRequest, PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';
import type { ApiGovernanceApi, CreateRequestInput, GovernanceEvent, TransitionInput, WriteOptions } from '../api/client';

export const NOW = Date.parse('2026-11-20T12:00:00.000Z');
export const ago = (ms: number) => new Date(NOW - ms).toISOString();
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export const HOSTILE = '<img src=x onerror=alert(1)>';

export const passedGates: GateReport = {
  passed: true,
  gates: [
    { gate: 'definition', status: 'passed', required: true, summary: 'no validation errors', evidence: { findings: [] }, evaluatedAt: ago(HOUR) },
    { gate: 'canary', status: 'passed', required: true, summary: 'verdict promote (score 98)', evidence: { verdict: 'promote' }, evaluatedAt: ago(HOUR) },
    { gate: 'slo', status: 'passed', required: false, summary: 'burn rate 0.4', evidence: {}, evaluatedAt: ago(HOUR) },
  ],
};

export const failedGates: GateReport = {
  passed: false,
  gates: [
    { gate: 'definition', status: 'passed', required: true, summary: 'no validation errors', evidence: { findings: [] }, evaluatedAt: ago(HOUR) },
    { gate: 'canary', status: 'failed', required: true, summary: 'verdict rollback: error ratio 4.1% > 1%', evidence: { verdict: 'rollback' }, evaluatedAt: ago(HOUR) },
    { gate: 'slo', status: 'unknown', required: false, summary: 'no Prometheus configured', evidence: null, evaluatedAt: ago(HOUR) },
  ],
};

let seq = 0;
export function req(over: Partial<PromotionRequest> = {}): PromotionRequest {
  seq++;
  const id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  return {
    id,
    entityRef: 'api:default/orders',
    fromEnvironment: 'staging',
    toEnvironment: 'production',
    state: 'requested',
    version: 1,
    requestedBy: 'user:default/alice',
    requestedAt: ago(2 * HOUR),
    updatedAt: ago(2 * HOUR),
    comment: null,
    decidedBy: null,
    decisionReason: null,
    overridden: false,
    gates: passedGates,
    ...over,
  };
}

export interface Call {
  method: string;
  args: unknown[];
  key?: string;
}

/** An in-memory ApiGovernanceApi that records calls; override any method per test. */
export class FakeApi implements ApiGovernanceApi {
  calls: Call[] = [];
  environments = ['dev', 'staging', 'production'];
  /** The gate registry `listGates` answers (none: gates are shown by name). */
  gates: GateInfo[] = [];
  requests: PromotionRequest[] = [];
  audits: Record<string, AuditEntry[]> = {};
  events: GovernanceEvent[] = [];
  /** When set, the next transitions fail with these errors (in order). */
  transitionErrors: unknown[] = [];
  createErrors: unknown[] = [];
  /** The gate report of the requests createRequest makes. */
  createGates: GateReport = passedGates;
  /** The signed-in user the writes are recorded for (audit actor, event actor). */
  actor = 'user:default/bob';
  private writeSeq = 0;
  /** Write times: one second apart after NOW, so "newest first" is well defined. */
  private nextWriteTime = () => new Date(NOW + ++this.writeSeq * 1000).toISOString();

  writes = () => this.calls.filter((c) => c.method === 'transition' || c.method === 'createRequest');

  async getEnvironments() {
    this.calls.push({ method: 'getEnvironments', args: [] });
    return this.environments;
  }
  async listGates() {
    this.calls.push({ method: 'listGates', args: [] });
    return this.gates;
  }
  async listRequests(filter: { entityRef?: string; state?: PromotionState } = {}) {
    this.calls.push({ method: 'listRequests', args: [filter] });
    return this.requests.filter((r) => (!filter.entityRef || r.entityRef === filter.entityRef) && (!filter.state || r.state === filter.state));
  }
  async getRequest(id: string) {
    this.calls.push({ method: 'getRequest', args: [id] });
    const r = this.requests.find((x) => x.id === id);
    if (!r) throw new Error('not found');
    return r;
  }
  async getAudit(id: string) {
    this.calls.push({ method: 'getAudit', args: [id] });
    return this.audits[id] ?? [];
  }
  async listEvents(entityRef: string) {
    this.calls.push({ method: 'listEvents', args: [entityRef] });
    return this.events;
  }
  async createRequest(input: CreateRequestInput, options?: WriteOptions) {
    this.calls.push({ method: 'createRequest', args: [input], key: options?.idempotencyKey });
    const err = this.createErrors.shift();
    if (err) throw err;
    const at = this.nextWriteTime();
    const r = req({ entityRef: input.entityRef, toEnvironment: input.toEnvironment, comment: input.comment ?? null, requestedBy: 'user:default/alice', gates: this.createGates, requestedAt: at, updatedAt: at });
    this.requests.push(r);
    this.record(r, 'create', null, undefined);
    return r;
  }
  async transition(id: string, action: PromotionAction, input: TransitionInput, options?: WriteOptions) {
    this.calls.push({ method: 'transition', args: [id, action, input], key: options?.idempotencyKey });
    const err = this.transitionErrors.shift();
    if (err) throw err;
    const r = this.requests.find((x) => x.id === id)!;
    const to: Record<PromotionAction, PromotionState> = { approve: 'approved', reject: 'rejected', cancel: 'cancelled', promote: 'promoted', rollback: 'rolled_back' };
    const from = r.state;
    Object.assign(r, { state: to[action], version: r.version + 1, updatedAt: this.nextWriteTime() });
    this.record(r, action, from, input);
    return { ...r };
  }

  /** What the backend records with a write: an audit entry of the request and an event of the API. */
  private record(r: PromotionRequest, action: AuditEntry['action'], fromState: PromotionState | null, input: TransitionInput | undefined) {
    const at = r.updatedAt;
    const id = this.writeSeq;
    const reason = input?.override ? `override: ${input.override.reason}` : (input?.reason ?? (action === 'create' ? r.comment : null));
    (this.audits[r.id] ??= []).push({ id, requestId: r.id, actor: this.actor, at, action, fromState, toState: r.state, reason: reason ?? null, override: !!input?.override, evidence: r.gates });
    const topic = { create: 'requested', approve: 'approved', reject: 'rejected', cancel: 'cancelled', promote: 'promoted', rollback: 'rolled_back', deprecate: 'deprecated' }[action];
    this.events.push({ id, type: `api-governance.promotion.${topic}`, entityRef: r.entityRef, at, actor: this.actor, payload: { state: r.state, previousState: fromState, reason } });
  }
}
