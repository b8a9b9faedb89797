/**
 * Database access of the governance plugin. The audit table is append-only: this module only ever
 * INSERTs into it (and the migration adds triggers that refuse UPDATE / DELETE).
 *
 * Concurrency: a transition is one transaction that (1) replays a stored idempotent response, (2)
 * updates the request WHERE id AND version match (optimistic concurrency; 0 rows → conflict), (3)
 * appends the audit entry (unique per request version) and (4) stores the idempotent response.
 * Either all of it commits or none of it does.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  ApiDeprecatedEventPayload, ApiDeprecation, AuditEntry, AuditPolicy, GateReport, GateSummary, GovernanceEventPayload, GovernanceEventTopic,
  PromotionAction, PromotionEventPayload, PromotionRequest, PromotionState, RecordedEvent,
} from '@api-observatory/backstage-plugin-api-governance-common';
import { API_DEPRECATED_TOPIC, GOVERNANCE_EVENT_VERSION, PROMOTION_EVENT_TOPICS, TRANSITIONS } from '@api-observatory/backstage-plugin-api-governance-common';
import type { RecordedDecision } from './policy-engine';

export const REQUESTS = 'governance_requests';
export const AUDIT = 'governance_audit';
export const IDEMPOTENCY = 'governance_idempotency';
export const EVENTS = 'governance_events';
export const DELIVERIES = 'governance_event_deliveries';
export const DEPRECATIONS = 'governance_deprecations';
/** States of an open request: at most one per API and target environment (unique index too). */
export const OPEN_STATES: readonly PromotionState[] = ['requested', 'approved'];

export interface StoredResponse {
  status: number;
  body: unknown;
}

export class ConflictError extends Error {
  constructor(readonly code: 'INVALID_TRANSITION' | 'VERSION_CONFLICT', message: string, readonly current: PromotionRequest) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A second open request for the same API and target environment. */
export class RequestAlreadyOpenError extends Error {
  constructor(readonly open: PromotionRequest) {
    super(`${open.entityRef} already has an open promotion request to ${open.toEnvironment}: ${open.id} (${open.state}); cancel, reject or promote it first`);
    this.name = 'RequestAlreadyOpenError';
  }
}

export class IdempotencyMismatchError extends Error {
  constructor() {
    super('this Idempotency-Key was already used for a different request');
    this.name = 'IdempotencyMismatchError';
  }
}

export interface Idempotency {
  actor: string;
  key: string;
  fingerprint: string;
}

export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

type Row = Record<string, any>;

function toRequest(r: Row): PromotionRequest {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    fromEnvironment: r.from_env,
    toEnvironment: r.to_env,
    state: r.state,
    version: Number(r.version),
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    updatedAt: r.updated_at,
    comment: r.comment ?? null,
    decidedBy: r.decided_by ?? null,
    decisionReason: r.decision_reason ?? null,
    overridden: Boolean(r.overridden),
    gates: r.gates ? (JSON.parse(r.gates) as GateReport) : null,
  };
}

export type GovernanceAuditEntry = AuditEntry & { policy: AuditPolicy | null };

const policyColumns = (p: RecordedDecision | undefined) => p
  ? { policy_engine: p.engine, policy_decision_id: p.decisionId, policy_reasons: JSON.stringify(p.reasons) }
  : {};

function toAudit(r: Row): GovernanceAuditEntry {
  return {
    id: Number(r.id),
    requestId: r.request_id,
    actor: r.actor,
    at: r.at,
    action: r.action,
    fromState: r.from_state ?? null,
    toState: r.to_state,
    reason: r.reason ?? null,
    override: Boolean(r.override),
    evidence: r.evidence ? (JSON.parse(r.evidence) as GateReport) : null,
    policy: r.policy_engine ? { engine: r.policy_engine, decisionId: r.policy_decision_id ?? null, reasons: JSON.parse(r.policy_reasons ?? '[]') } : null,
  };
}

function toDeprecation(r: Row): ApiDeprecation {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    reason: r.reason,
    sunsetDate: r.sunset_date ?? null,
    deprecatedBy: r.deprecated_by,
    deprecatedAt: r.deprecated_at,
    consumers: JSON.parse(r.consumers),
    notifiedOwners: JSON.parse(r.notified_owners),
  };
}

function toEvent(r: Row): RecordedEvent {
  return {
    seq: Number(r.seq),
    eventId: r.event_id,
    topic: r.topic,
    entityRef: r.entity_ref,
    occurredAt: r.occurred_at,
    publishedAt: r.published_at ?? null,
    payload: JSON.parse(r.payload) as GovernanceEventPayload,
  };
}

/** Gate results without evidence, for event payloads. */
export function gateSummary(report: GateReport | null): GateSummary | null {
  if (!report) return null;
  return { passed: report.passed, gates: report.gates.map(({ gate, status, required, summary }) => ({ gate, status, required, summary })) };
}

/** The event of a request that just reached `request.state` (at `request.version`). */
export function promotionEvent(request: PromotionRequest, change: {
  action: 'create' | PromotionAction; previousState: PromotionState | null; actor: string; reason: string | null; overridden: boolean; gates: GateReport | null; at: string;
}): PromotionEventPayload {
  return {
    eventId: `promotion:${request.id}:${request.version}`,
    version: GOVERNANCE_EVENT_VERSION,
    type: PROMOTION_EVENT_TOPICS[request.state],
    occurredAt: change.at,
    actor: change.actor,
    entityRef: request.entityRef,
    requestId: request.id,
    requestVersion: request.version,
    action: change.action,
    fromEnvironment: request.fromEnvironment,
    toEnvironment: request.toEnvironment,
    previousState: change.previousState,
    state: request.state,
    reason: change.reason,
    overridden: change.overridden,
    gates: gateSummary(change.gates),
  };
}

async function recordEvent(trx: Knex.Transaction, payload: GovernanceEventPayload) {
  await trx(EVENTS).insert({
    event_id: payload.eventId, topic: payload.type satisfies GovernanceEventTopic, entity_ref: payload.entityRef,
    occurred_at: payload.occurredAt, payload: JSON.stringify(payload),
  });
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(String(err.message));
}

export class GovernanceStore {
  constructor(private readonly db: Knex) {}

  async getRequest(id: string): Promise<PromotionRequest | undefined> {
    const r = await this.db(REQUESTS).where({ id }).first();
    return r ? toRequest(r) : undefined;
  }

  async listRequests(filter: { entityRef?: string; state?: PromotionState }): Promise<PromotionRequest[]> {
    const q = this.db(REQUESTS).orderBy('requested_at', 'desc').limit(500);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    if (filter.state) q.where('state', filter.state);
    return (await q).map(toRequest);
  }

  async audit(requestId: string): Promise<GovernanceAuditEntry[]> {
    return (await this.db(AUDIT).where({ request_id: requestId }).orderBy('id', 'asc')).map(toAudit);
  }

  async lookupIdempotent(idem: Idempotency, trx: Knex | Knex.Transaction = this.db): Promise<StoredResponse | undefined> {
    const r = await trx(IDEMPOTENCY).where({ actor: idem.actor, key: idem.key }).first();
    if (!r) return undefined;
    if (r.fingerprint !== idem.fingerprint) throw new IdempotencyMismatchError();
    return { status: Number(r.status), body: JSON.parse(r.response) };
  }

  /**
   * Runs `work` in a transaction with idempotency: a stored response for the key is replayed instead.
   * The router looks the key up before it calls (lookupIdempotent); inside the transaction the key's
   * primary key decides: a call that committed first with the same key makes this one fail (its insert
   * of the key, or its request insert or version check that the first call's change now refuses) and
   * the failure replays the stored response. One statement fewer per write than looking it up again.
   */
  private async idempotent(idem: Idempotency | undefined, work: (trx: Knex.Transaction) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    try {
      return await this.db.transaction(async (trx) => {
        const out = await work(trx);
        if (idem) {
          await trx(IDEMPOTENCY).insert({
            actor: idem.actor, key: idem.key, fingerprint: idem.fingerprint,
            status: out.status, response: JSON.stringify(out.body), created_at: new Date().toISOString(),
          });
        }
        return { ...out, replayed: false };
      });
    } catch (e) {
      // A call with the same key committed first (seen as a unique violation on the key or on the open
      // request, or as a lost version race or a state it already changed): replay its response.
      if (idem && !(e instanceof IdempotencyMismatchError)) {
        const stored = await this.lookupIdempotent(idem);
        if (stored) return { ...stored, replayed: true };
      }
      throw e;
    }
  }

  /** The open (requested / approved) request of an API to an environment, if any. */
  async openRequest(entityRef: string, toEnvironment: string, trx: Knex | Knex.Transaction = this.db): Promise<PromotionRequest | undefined> {
    const r = await trx(REQUESTS).where({ entity_ref: entityRef, to_env: toEnvironment }).whereIn('state', OPEN_STATES as PromotionState[]).first();
    return r ? toRequest(r) : undefined;
  }

  async create(input: {
    entityRef: string; fromEnvironment: string; toEnvironment: string; actor: string; comment: string | null; gates: GateReport;
    policy?: RecordedDecision;
  }, idem?: Idempotency) {
    return this.idempotent(idem, async (trx) => {
      // A second open request for the API and environment is refused by the partial unique index (the
      // router checked for one before evaluating the gates): the insert fails and the catch below names it.
      const now = new Date().toISOString();
      const id = randomUUID();
      const gates = JSON.stringify(input.gates);
      const row: Row = {
        id, entity_ref: input.entityRef, from_env: input.fromEnvironment, to_env: input.toEnvironment,
        state: 'requested', version: 1, requested_by: input.actor, requested_at: now, updated_at: now,
        comment: input.comment, decided_by: null, decision_reason: null, overridden: false, gates,
      };
      await trx(REQUESTS).insert(row);
      await trx(AUDIT).insert({
        request_id: id, actor: input.actor, at: now, action: 'create', from_state: null, to_state: 'requested',
        reason: input.comment, override: false, evidence: gates, request_version: 1, ...policyColumns(input.policy),
      });
      // Every column is a string, integer or boolean written as given: the inserted row is what a read would return.
      const created = toRequest(row);
      await recordEvent(trx, promotionEvent(created, { action: 'create', previousState: null, actor: input.actor, reason: input.comment, overridden: false, gates: input.gates, at: now }));
      return { status: 201, body: created };
    }).catch(async (e) => {
      // A concurrent create for the same API and environment committed first: the partial unique
      // index refused this one.
      if (isUniqueViolation(e)) {
        const open = await this.openRequest(input.entityRef, input.toEnvironment);
        if (open) throw new RequestAlreadyOpenError(open);
      }
      throw e;
    });
  }

  /**
   * `current`: the request as the caller read it, which saves reading it again inside the transaction:
   * the UPDATE matches only the version and state it was read at, and every change bumps the version,
   * so a matched row is the row that was read. A row that moved on is read again to name the conflict.
   */
  async transition(input: {
    id: string; action: PromotionAction; actor: string; expectedVersion?: number; reason: string | null; override: boolean; gates: GateReport | null;
    policy?: RecordedDecision; current?: PromotionRequest;
  }, idem?: Idempotency) {
    const { from, to } = TRANSITIONS[input.action];
    const refuse = (current: PromotionRequest) => {
      if (input.expectedVersion !== undefined && current.version !== input.expectedVersion) {
        return new ConflictError('VERSION_CONFLICT', `request ${input.id} is at version ${current.version} (state ${current.state}), not ${input.expectedVersion}: it changed since you read it`, current);
      }
      if (current.state !== from) {
        return new ConflictError('INVALID_TRANSITION', `cannot ${input.action} a request in state ${current.state} (only from ${from})`, current);
      }
      return undefined;
    };
    return this.idempotent(idem, async (trx) => {
      const read = async () => {
        const row = await trx(REQUESTS).where({ id: input.id }).first();
        if (!row) throw new Error(`request ${input.id} vanished`);
        return toRequest(row);
      };
      const current = input.current ?? await read();
      const refused = refuse(current);
      if (refused) throw refused;
      const now = new Date().toISOString();
      const next = current.version + 1;
      const patch: Row = { state: to, version: next, updated_at: now };
      const updated: PromotionRequest = { ...current, state: to, version: next, updatedAt: now };
      if (input.action === 'approve' || input.action === 'reject') {
        patch.decided_by = updated.decidedBy = input.actor;
        patch.decision_reason = updated.decisionReason = input.reason;
        patch.overridden = updated.overridden = input.override;
      }
      const gates = input.gates ? JSON.stringify(input.gates) : null;
      if (gates) {
        patch.gates = gates;
        updated.gates = input.gates;
      }
      const n = await trx(REQUESTS).where({ id: input.id, version: current.version, state: from }).update(patch);
      if (n !== 1) {
        const now2 = await read();
        throw refuse(now2) ?? new ConflictError('VERSION_CONFLICT', `request ${input.id} was changed concurrently (now ${now2.state}, version ${now2.version})`, now2);
      }
      await trx(AUDIT).insert({
        request_id: input.id, actor: input.actor, at: now, action: input.action, from_state: from, to_state: to,
        reason: input.reason, override: input.override, evidence: gates, request_version: next,
        ...policyColumns(input.policy),
      });
      await recordEvent(trx, promotionEvent(updated, { action: input.action, previousState: from, actor: input.actor, reason: input.reason, overridden: input.override, gates: input.gates, at: now }));
      return { status: 200, body: updated };
    }).catch((e) => {
      // The audit's unique (request, version) also stops a second writer that raced past the update.
      if (isUniqueViolation(e) && !(idem && e instanceof IdempotencyMismatchError)) {
        return this.getRequest(input.id).then((cur) => {
          throw new ConflictError('VERSION_CONFLICT', `request ${input.id} was changed concurrently`, cur!);
        });
      }
      throw e;
    });
  }

  async deprecation(entityRef: string): Promise<ApiDeprecation | undefined> {
    const r = await this.db(DEPRECATIONS).where({ entity_ref: entityRef }).first();
    return r ? toDeprecation(r) : undefined;
  }

  async deprecationById(id: string): Promise<ApiDeprecation | undefined> {
    const r = await this.db(DEPRECATIONS).where({ id }).first();
    return r ? toDeprecation(r) : undefined;
  }

  async listDeprecations(filter: { entityRef?: string }): Promise<ApiDeprecation[]> {
    const q = this.db(DEPRECATIONS).orderBy('deprecated_at', 'desc').limit(500);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    return (await q).map(toDeprecation);
  }

  /**
   * Records the deprecation of an API, its audit entry and its `api.deprecated` event in one
   * transaction. An API is deprecated once: deprecating it again answers 200 with the recorded
   * deprecation and changes nothing (no second event, no second notification).
   */
  async deprecate(input: {
    entityRef: string; reason: string; sunsetDate: string | null; actor: string; consumers: string[]; notifiedOwners: string[];
  }, idem?: Idempotency) {
    const existing = async () => {
      const d = await this.deprecation(input.entityRef);
      return d ? { status: 200, body: { ...d, alreadyDeprecated: true }, replayed: false } : undefined;
    };
    return this.idempotent(idem, async (trx) => {
      const prior = await trx(DEPRECATIONS).where({ entity_ref: input.entityRef }).first();
      if (prior) return { status: 200, body: { ...toDeprecation(prior), alreadyDeprecated: true } };
      const now = new Date().toISOString();
      const id = randomUUID();
      await trx(DEPRECATIONS).insert({
        id, entity_ref: input.entityRef, reason: input.reason, sunset_date: input.sunsetDate, deprecated_by: input.actor, deprecated_at: now,
        consumers: JSON.stringify(input.consumers), notified_owners: JSON.stringify(input.notifiedOwners),
      });
      await trx(AUDIT).insert({
        request_id: id, actor: input.actor, at: now, action: 'deprecate', from_state: null, to_state: 'deprecated',
        reason: input.reason, override: false, evidence: null, request_version: 1,
      });
      const payload: ApiDeprecatedEventPayload = {
        eventId: `deprecation:${id}`, version: GOVERNANCE_EVENT_VERSION, type: API_DEPRECATED_TOPIC, occurredAt: now, actor: input.actor,
        entityRef: input.entityRef, deprecationId: id, reason: input.reason, sunsetDate: input.sunsetDate,
        consumers: input.consumers, notifiedOwners: input.notifiedOwners,
      };
      await recordEvent(trx, payload);
      const d = toDeprecation((await trx(DEPRECATIONS).where({ id }).first())!);
      return { status: 201, body: { ...d, alreadyDeprecated: false } };
    }).catch(async (e) => {
      // A concurrent deprecation of the same API committed first.
      if (isUniqueViolation(e)) {
        const d = await existing();
        if (d) return d;
      }
      throw e;
    });
  }

  /** Recorded events, oldest first, after the sequence number `after`. */
  async listEvents(filter: { entityRef?: string; after?: number; limit?: number }): Promise<RecordedEvent[]> {
    const q = this.db(`${EVENTS} as e`).leftJoin(`${DELIVERIES} as d`, 'd.event_id', 'e.event_id')
      .select('e.seq', 'e.event_id', 'e.topic', 'e.entity_ref', 'e.occurred_at', 'e.payload', 'd.published_at')
      .orderBy('e.seq', 'asc').limit(filter.limit ?? 500);
    if (filter.entityRef) q.where('e.entity_ref', filter.entityRef);
    if (filter.after !== undefined) q.where('e.seq', '>', filter.after);
    return (await q).map(toEvent);
  }

  /** Events without a delivery record (not yet published), oldest first. */
  async unpublishedEvents(limit = 200): Promise<RecordedEvent[]> {
    const rows = await this.db(`${EVENTS} as e`).leftJoin(`${DELIVERIES} as d`, 'd.event_id', 'e.event_id')
      .whereNull('d.event_id')
      .select('e.seq', 'e.event_id', 'e.topic', 'e.entity_ref', 'e.occurred_at', 'e.payload', 'd.published_at')
      .orderBy('e.seq', 'asc').limit(limit);
    return rows.map(toEvent);
  }

  /** Records that an event was published (idempotent: a second record of the same event is ignored). */
  async markPublished(eventId: string, at = new Date().toISOString()): Promise<void> {
    await this.db(DELIVERIES).insert({ event_id: eventId, published_at: at }).onConflict('event_id').ignore();
  }
}
