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
import type { AuditEntry, GateReport, PromotionAction, PromotionRequest, PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';
import { TRANSITIONS } from '@api-observatory/backstage-plugin-api-governance-common';

export const REQUESTS = 'governance_requests';
export const AUDIT = 'governance_audit';
export const IDEMPOTENCY = 'governance_idempotency';

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

function toAudit(r: Row): AuditEntry {
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
  };
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

  async audit(requestId: string): Promise<AuditEntry[]> {
    return (await this.db(AUDIT).where({ request_id: requestId }).orderBy('id', 'asc')).map(toAudit);
  }

  async lookupIdempotent(idem: Idempotency, trx: Knex | Knex.Transaction = this.db): Promise<StoredResponse | undefined> {
    const r = await trx(IDEMPOTENCY).where({ actor: idem.actor, key: idem.key }).first();
    if (!r) return undefined;
    if (r.fingerprint !== idem.fingerprint) throw new IdempotencyMismatchError();
    return { status: Number(r.status), body: JSON.parse(r.response) };
  }

  /** Runs `work` in a transaction with idempotency: a stored response for the key is replayed instead. */
  private async idempotent(idem: Idempotency | undefined, work: (trx: Knex.Transaction) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    try {
      return await this.db.transaction(async (trx) => {
        if (idem) {
          const stored = await this.lookupIdempotent(idem, trx);
          if (stored) return { ...stored, replayed: true };
        }
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
      // A concurrent call with the same key committed first (seen as a unique violation on the key,
      // or as a lost version race on PostgreSQL): replay its response.
      if (idem && !(e instanceof IdempotencyMismatchError)) {
        const stored = await this.lookupIdempotent(idem);
        if (stored) return { ...stored, replayed: true };
      }
      throw e;
    }
  }

  async create(input: {
    entityRef: string; fromEnvironment: string; toEnvironment: string; actor: string; comment: string | null; gates: GateReport;
  }, idem?: Idempotency) {
    return this.idempotent(idem, async (trx) => {
      const now = new Date().toISOString();
      const id = randomUUID();
      await trx(REQUESTS).insert({
        id, entity_ref: input.entityRef, from_env: input.fromEnvironment, to_env: input.toEnvironment,
        state: 'requested', version: 1, requested_by: input.actor, requested_at: now, updated_at: now,
        comment: input.comment, decided_by: null, decision_reason: null, overridden: false, gates: JSON.stringify(input.gates),
      });
      await trx(AUDIT).insert({
        request_id: id, actor: input.actor, at: now, action: 'create', from_state: null, to_state: 'requested',
        reason: input.comment, override: false, evidence: JSON.stringify(input.gates), request_version: 1,
      });
      const created = toRequest((await trx(REQUESTS).where({ id }).first())!);
      return { status: 201, body: created };
    });
  }

  async transition(input: {
    id: string; action: PromotionAction; actor: string; expectedVersion?: number; reason: string | null; override: boolean; gates: GateReport | null;
  }, idem?: Idempotency) {
    const { from, to } = TRANSITIONS[input.action];
    return this.idempotent(idem, async (trx) => {
      const row = await trx(REQUESTS).where({ id: input.id }).first();
      if (!row) throw new Error(`request ${input.id} vanished`);
      const current = toRequest(row);
      if (input.expectedVersion !== undefined && current.version !== input.expectedVersion) {
        throw new ConflictError('VERSION_CONFLICT', `request ${input.id} is at version ${current.version} (state ${current.state}), not ${input.expectedVersion}: it changed since you read it`, current);
      }
      if (current.state !== from) {
        throw new ConflictError('INVALID_TRANSITION', `cannot ${input.action} a request in state ${current.state} (only from ${from})`, current);
      }
      const now = new Date().toISOString();
      const next = current.version + 1;
      const patch: Row = { state: to, version: next, updated_at: now };
      if (input.action === 'approve' || input.action === 'reject') {
        patch.decided_by = input.actor;
        patch.decision_reason = input.reason;
        patch.overridden = input.override;
      }
      if (input.gates) patch.gates = JSON.stringify(input.gates);
      const n = await trx(REQUESTS).where({ id: input.id, version: current.version, state: from }).update(patch);
      if (n !== 1) {
        const now2 = toRequest((await trx(REQUESTS).where({ id: input.id }).first())!);
        throw new ConflictError('VERSION_CONFLICT', `request ${input.id} was changed concurrently (now ${now2.state}, version ${now2.version})`, now2);
      }
      await trx(AUDIT).insert({
        request_id: input.id, actor: input.actor, at: now, action: input.action, from_state: from, to_state: to,
        reason: input.reason, override: input.override, evidence: input.gates ? JSON.stringify(input.gates) : null, request_version: next,
      });
      const updated = toRequest((await trx(REQUESTS).where({ id: input.id }).first())!);
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
}
