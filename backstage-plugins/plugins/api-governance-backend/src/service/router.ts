/**
 * Routes of the `api-governance` backend plugin (mounted at /api/api-governance). Errors are thrown as
 * @backstage/errors classes carrying a machine-readable `code` (errors.ts) and answered by the backend's
 * error middleware: `{ error: { name, message, code, details? }, request, response }` (ErrorBody in
 * -common). Bodies and queries are checked with zod schemas (validation.ts).
 *
 *   GET  /health                         → { status: 'ok' } (unauthenticated)
 *   GET  /environments                   → { environments }
 *   GET  /gates                          → { gates: GateInfo[] } (the gate registry: name, title, description)
 *   POST /requests                       { entityRef, toEnvironment, fromEnvironment?, comment? } → 201 PromotionRequest
 *   GET  /requests?entityRef=&state=     → { items }
 *   GET  /requests/:id                   → PromotionRequest
 *   GET  /requests/:id/audit             → { items: AuditEntry[] }
 *   POST /requests/:id/:action           action ∈ approve | reject | cancel | promote | rollback,
 *                                        { version?, reason?, override?: { reason } } → 200 PromotionRequest
 *   POST /apis/deprecate                 { entityRef, reason, sunsetDate? } → 201 ApiDeprecation (200 when already deprecated)
 *   GET  /apis/deprecations?entityRef=   → { items: ApiDeprecation[] }
 *   GET  /apis/deprecations/:id/audit    → { items: AuditEntry[] } (the `deprecate` entry)
 *   GET  /events?entityRef=&after=&limit= → { items: RecordedEvent[] } (oldest first, after the seq `after`)
 *
 * Every change is decided by the policy engine first (builtin or OPA: policy-engine.ts); no decision is
 * a 503 POLICY_UNAVAILABLE and nothing changes. The decision's engine, id and reasons go into the audit.
 *
 * Every change records its event (api-governance.promotion.*, api.deprecated) in the same transaction;
 * the outbox publishes it through the EventsService after the commit (outbox.ts).
 *
 * Writes accept an `Idempotency-Key` header (per caller): a repeated call replays the first response
 * (header `Idempotent-Replayed: true`); the same key with a different body is a 422. `version` enables
 * optimistic concurrency; a lost race is a 409 VERSION_CONFLICT or INVALID_TRANSITION, never a second
 * transition.
 */
import express from 'express';
import Router from 'express-promise-router';
import type { BackstageCredentials, HttpAuthService, LoggerService, PermissionsService, UserInfoService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult, type ResourcePermission } from '@backstage/plugin-permission-common';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  apiDeprecatePermission, apiPromotionApprovePermission, apiPromotionCancelPermission, apiPromotionCreatePermission, apiPromotionOverridePermission,
  apiPromotionPromotePermission, apiPromotionRejectPermission, apiPromotionRollbackPermission, TRANSITIONS,
  type ErrorCode, type GateName, type GateReport, type PromotionAction,
} from '@api-observatory/backstage-plugin-api-governance-common';
import { BuiltinPolicyEngine } from './builtin-policy';
import { policyData, type GovernanceConfig } from './config';
import { badRequest, conflict, ERROR_OF_STATUS, forbidden, notFound, tooLarge, unavailable, unprocessable } from './errors';
import { GATES, gateInfo, type GateEvaluator } from './gates';
import { EventOutbox } from './outbox';
import { PolicyUnavailableError, TIER_ANNOTATION, type PolicyAction, type PolicyEngine, type PolicyInput, type RecordedDecision, type ViolationCode } from './policy-engine';
import { ConflictError, fingerprint, GovernanceStore, IdempotencyMismatchError, RequestAlreadyOpenError, type Idempotency } from './store';
import { SPAN_ATTRIBUTES, traced } from './tracing';
import { bodySchemas, parse, querySchemas } from './validation';
import type { Span } from '@opentelemetry/api';

export interface RouterOptions {
  logger: LoggerService;
  config: GovernanceConfig;
  httpAuth: HttpAuthService;
  permissions: Pick<PermissionsService, 'authorize'>;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  store: GovernanceStore;
  gates: GateEvaluator;
  /** Publishes recorded events after each commit. Default: an EventOutbox over `events` / `notifications`. */
  outbox?: EventOutbox;
  /** The EventsService to publish recorded events to (ignored when `outbox` is given). */
  events?: Pick<EventsService, 'publish'>;
  /** Notifies the consumers of a deprecated API (ignored when `outbox` is given). */
  notifications?: Pick<NotificationService, 'send'>;
  /** The policy decision point asked before every change. Default: the built-in engine over policyData(config.policy, config.gates). */
  policy?: PolicyEngine;
  /** The actor's groups for the policy input (ownershipEntityRefs). Without it a user's only ref is their own. */
  userInfo?: Pick<UserInfoService, 'getUserInfo'>;
  /** The policy input's time (change freezes). Default: the wall clock. */
  clock?: () => Date;
}

/**
 * How a policy violation answers, most specific first: the answers the router gave before the policy
 * engine keep their status and code.
 */
const VIOLATION_ANSWER: Array<[ViolationCode, number, ErrorCode]> = [
  ['SELF_APPROVAL', 403, 'SELF_APPROVAL'],
  ['NOT_OWNER', 403, 'FORBIDDEN'],
  ['NOT_APPROVER', 403, 'FORBIDDEN'],
  ['OVERRIDE_REASON_REQUIRED', 400, 'OVERRIDE_REASON_REQUIRED'],
  ['GATES_NOT_PASSED', 422, 'GATES_NOT_PASSED'],
  ['OVERRIDE_NOT_ALLOWED', 403, 'FORBIDDEN'],
  ['CHANGE_FREEZE', 403, 'CHANGE_FREEZE'],
];

/** The gate report with `required` and `passed` as the policy decided for this tier and environment. */
function withRequired(report: GateReport, required: GateName[]): GateReport {
  const gates = report.gates.map((g) => ({ ...g, required: required.includes(g.gate) }));
  return { ...report, gates, passed: gates.every((g) => !g.required || g.status === 'passed') };
}

const ACTION_PERMISSION: Record<PromotionAction, ResourcePermission<'catalog-entity'>> = {
  approve: apiPromotionApprovePermission,
  reject: apiPromotionRejectPermission,
  cancel: apiPromotionCancelPermission,
  promote: apiPromotionPromotePermission,
  rollback: apiPromotionRollbackPermission,
};

const ID = /^[0-9a-f-]{36}$/;
const KEY = /^[\x21-\x7e]{1,200}$/;

/** The store's refusals as coded errors (anything else unchanged). */
function fromStoreError(err: unknown): unknown {
  if (err instanceof ConflictError) {
    const { id, state, version, decidedBy } = err.current;
    return conflict(err.message, err.code, { current: { id, state, version, decidedBy } });
  }
  if (err instanceof RequestAlreadyOpenError) {
    const { id, state, version, entityRef, toEnvironment } = err.open;
    return conflict(err.message, 'REQUEST_ALREADY_OPEN', { openRequestId: id, current: { id, state, version, entityRef, toEnvironment } });
  }
  if (err instanceof IdempotencyMismatchError) return unprocessable(err.message, 'IDEMPOTENCY_KEY_REUSED');
  return err;
}

function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
  return p.type === 'user' ? p.userEntityRef! : `service:${p.subject}`;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { logger, config, httpAuth, permissions, catalog, store, gates } = options;
  const outbox = options.outbox ?? new EventOutbox({ store, logger, events: options.events, notifications: options.notifications });
  const policy = options.policy ?? new BuiltinPolicyEngine(policyData(config.policy, config.gates));
  const clock = options.clock ?? (() => new Date());
  const bodies = bodySchemas(config.maxCommentLength);
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  // body-parser's own errors, as coded errors for the error middleware.
  router.use((err: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
    const e = err as { type?: string; message?: string };
    if (e?.type === 'entity.too.large') return next(tooLarge('the request body is larger than 64 kB'));
    if (e?.type === 'entity.parse.failed') return next(badRequest(`the body is not valid JSON: ${e.message}`));
    return next(err);
  });

  const idempotency = (req: express.Request, actor: string, parts: unknown): Idempotency | undefined => {
    const key = req.header('idempotency-key');
    if (key === undefined) return undefined;
    if (!KEY.test(key)) throw badRequest('Idempotency-Key must be 1-200 visible ASCII characters');
    return { actor, key, fingerprint: fingerprint([req.method, req.path, parts]) };
  };

  const allowed = async (permission: ResourcePermission<'catalog-entity'>, resourceRef: string, credentials: BackstageCredentials) => {
    const [d] = await permissions.authorize([{ permission, resourceRef }], { credentials });
    return d?.result === AuthorizeResult.ALLOW;
  };

  const loadEntity = async (entityRef: string, credentials: BackstageCredentials) => {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw notFound(`no entity ${entityRef} in the catalog`, 'ENTITY_NOT_FOUND');
    if (entity.kind.toLowerCase() !== 'api') throw badRequest(`${entityRef} is a ${entity.kind}, not an API`, 'NOT_AN_API');
    return entity;
  };

  const policyInput = async (
    action: PolicyAction, credentials: BackstageCredentials, entity: Entity, entityRef: string,
    request: PolicyInput['request'], report: GateReport | null, overrideReason: string | null,
  ): Promise<PolicyInput> => {
    const actor = actorOf(credentials);
    const isUser = (credentials.principal as { type: string }).type === 'user';
    const groups = !isUser ? [] : options.userInfo ? (await options.userInfo.getUserInfo(credentials)).ownershipEntityRefs : [actor];
    const system = (entity.spec as Record<string, unknown> | undefined)?.system;
    return {
      action,
      actor: { ref: actor, type: isUser ? 'user' : 'service', groups },
      entity: {
        ref: entityRef,
        system: typeof system === 'string' ? system : null,
        owners: (entity.relations ?? []).filter((r) => r.type === 'ownedBy').map((r) => r.targetRef),
        tier: entity.metadata.annotations?.[TIER_ANNOTATION] ?? null,
      },
      request,
      gates: (report?.gates ?? []).map((g) => ({ gate: g.gate, status: g.status })),
      all_gates: [...gates.names],
      override: overrideReason ? { reason: overrideReason } : null,
      time: clock().toISOString(),
    };
  };

  /** The engine's decision; no decision (OPA down, slow, undefined) is a 503 and nothing changes. */
  const decide = async (input: PolicyInput): Promise<RecordedDecision> => {
    try {
      return await policy.decide(input);
    } catch (e) {
      if (e instanceof PolicyUnavailableError) {
        logger.warn(`policy decision unavailable, ${input.action} of ${input.entity.ref} refused: ${e.message}`);
        throw unavailable(`no policy decision, nothing was changed: ${e.message}`, 'POLICY_UNAVAILABLE');
      }
      throw e;
    }
  };

  const enforce = (d: RecordedDecision, report: GateReport | null) => {
    if (d.allow) return;
    const [code, status, errorCode] = VIOLATION_ANSWER.find(([c]) => d.violations.some((v) => v.code === c)) ?? ['', 403, 'FORBIDDEN' as ErrorCode];
    const first = d.violations.find((v) => v.code === code) ?? d.violations[0];
    const policyDetails = { engine: d.engine, decisionId: d.decisionId, violations: d.violations };
    throw ERROR_OF_STATUS[status]!(first?.message ?? 'denied by the governance policy', errorCode, { policy: policyDetails, ...(report ? { gates: report } : {}) });
  };

  const send = async (res: express.Response, out: { status: number; body: unknown; replayed: boolean }, span: Span) => {
    const body = out.body as { id?: unknown; state?: unknown; overridden?: unknown };
    span.setAttributes({
      [SPAN_ATTRIBUTES.decision]: out.replayed ? 'replay' : 'allow',
      ...(typeof body?.state === 'string' ? { [SPAN_ATTRIBUTES.requestId]: String(body.id), [SPAN_ATTRIBUTES.state]: body.state } : {}),
      ...(typeof body?.overridden === 'boolean' ? { [SPAN_ATTRIBUTES.overridden]: body.overridden } : {}),
    });
    // Publish what this change recorded (and anything left unpublished) before answering; a failed
    // publish does not fail the committed change: the event stays recorded and is retried.
    if (!out.replayed) await outbox.flush();
    if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(out.status).json(out.body);
  };

  /** A change, in a span (tracing.ts); the store's refusals become coded errors. */
  const change = <T>(action: string, fn: (span: Span) => Promise<T>) =>
    traced(action, {}, async (span) => {
      try {
        return await fn(span);
      } catch (e) {
        throw fromStoreError(e);
      }
    });

  /** The policy's decision on the span. */
  const traceDecision = (span: Span, d: RecordedDecision) =>
    span.setAttributes({ [SPAN_ATTRIBUTES.policyEngine]: d.engine, ...(d.decisionId ? { [SPAN_ATTRIBUTES.policyDecisionId]: d.decisionId } : {}) });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/environments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ environments: config.environments });
  });

  router.get('/gates', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ gates: gateInfo(GATES, config.gates) });
  });

  router.post('/requests', (req, res) => change('create', async (span) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = actorOf(credentials);
    span.setAttribute(SPAN_ATTRIBUTES.actor, actor);
    const { entityRef, toEnvironment, fromEnvironment: rawFrom, comment } = parse(bodies.create, req.body);
    span.setAttributes({ [SPAN_ATTRIBUTES.entityRef]: entityRef, [SPAN_ATTRIBUTES.toEnvironment]: toEnvironment });
    const to = config.environments.indexOf(toEnvironment);
    if (to < 0) throw badRequest(`unknown environment ${JSON.stringify(toEnvironment)}; environments in order: ${config.environments.join(' → ')}`, 'UNKNOWN_ENVIRONMENT');
    if (to === 0) throw badRequest(`${toEnvironment} is the first environment; nothing promotes into it`, 'UNKNOWN_ENVIRONMENT');
    const fromEnvironment = rawFrom ?? config.environments[to - 1]!;
    if (config.environments.indexOf(fromEnvironment) !== to - 1) {
      throw badRequest(`fromEnvironment must be ${config.environments[to - 1]} (the environment before ${toEnvironment})`, 'UNKNOWN_ENVIRONMENT');
    }
    span.setAttribute(SPAN_ATTRIBUTES.fromEnvironment, fromEnvironment);
    const idem = idempotency(req, actor, { entityRef, fromEnvironment, toEnvironment, comment });
    if (idem) {
      const stored = await store.lookupIdempotent(idem);
      if (stored) return send(res, { ...stored, replayed: true }, span);
    }
    const entity = await loadEntity(entityRef, credentials);
    if (!(await allowed(apiPromotionCreatePermission, entityRef, credentials))) {
      throw forbidden(`${actor} may not request promotions of ${entityRef}`);
    }
    // One open request per API and target environment (also a unique index: a concurrent create loses).
    // (Checked before the gates are evaluated; a retry whose first attempt is what is open replays it.)
    const open = await store.openRequest(entityRef, toEnvironment);
    if (open) {
      const stored = idem ? await store.lookupIdempotent(idem) : undefined;
      if (stored) return send(res, { ...stored, replayed: true }, span);
      throw new RequestAlreadyOpenError(open);
    }
    const evaluated = await gates.evaluate({ entity, entityRef, fromEnvironment, toEnvironment });
    const request = { id: null, requested_by: actor, from_environment: fromEnvironment, to_environment: toEnvironment, state: null };
    const decision = await decide(await policyInput('create', credentials, entity, entityRef, request, evaluated, null));
    traceDecision(span, decision);
    const report = withRequired(evaluated, decision.required_gates);
    enforce(decision, null);
    const out = await store.create({ entityRef, fromEnvironment, toEnvironment, actor, comment, gates: report, policy: decision }, idem);
    if (!out.replayed) logger.info(`promotion requested: ${entityRef} ${fromEnvironment} → ${toEnvironment} by ${actor}`);
    return send(res, out, span);
  }));

  router.get('/requests', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { entityRef, state } = parse(querySchemas.requests, req.query, 'the query');
    res.json({ items: await store.listRequests({ entityRef, state }) });
  });

  const getRequest = async (id: string) => {
    if (!ID.test(id)) throw badRequest('request ids are UUIDs');
    const r = await store.getRequest(id);
    if (!r) throw notFound(`no promotion request ${id}`, 'REQUEST_NOT_FOUND');
    return r;
  };

  router.get('/requests/:id', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await getRequest(req.params.id!));
  });

  router.get('/requests/:id/audit', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    await getRequest(req.params.id!);
    res.json({ items: await store.audit(req.params.id!) });
  });

  router.post('/requests/:id/:action', async (req, res) => {
    const action = req.params.action as PromotionAction;
    if (!Object.prototype.hasOwnProperty.call(TRANSITIONS, action)) {
      throw notFound(`unknown action ${JSON.stringify(req.params.action)}; actions: ${Object.keys(TRANSITIONS).join(', ')}`, 'BAD_REQUEST');
    }
    return change(action, async (span) => {
      const credentials = await httpAuth.credentials(req, { allow: action === 'promote' || action === 'rollback' ? ['user', 'service'] : ['user'] });
      const actor = actorOf(credentials);
      span.setAttribute(SPAN_ATTRIBUTES.actor, actor);
      const { version, reason, override } = parse(bodies.transition, req.body ?? {});
      let overrideReason: string | null = null;
      if (override !== undefined && override !== null) {
        if (action !== 'approve') throw badRequest('override applies to approve only');
        overrideReason = override.reason;
        if (!overrideReason) throw badRequest('an override needs a non-empty override.reason', 'OVERRIDE_REASON_REQUIRED');
      }
      if (action === 'reject' && !reason) throw badRequest('a rejection needs a reason');
      const request = await getRequest(req.params.id!);
      span.setAttributes({
        [SPAN_ATTRIBUTES.entityRef]: request.entityRef, [SPAN_ATTRIBUTES.requestId]: request.id,
        [SPAN_ATTRIBUTES.fromEnvironment]: request.fromEnvironment, [SPAN_ATTRIBUTES.toEnvironment]: request.toEnvironment,
    });
    const idem = idempotency(req, actor, { id: request.id, action, version, reason, overrideReason });
    if (idem) {
      const stored = await store.lookupIdempotent(idem);
      if (stored) return send(res, { ...stored, replayed: true }, span);
    }
    const isRequester = actor === request.requestedBy;
    // Separation of duties: whatever the policy says, nobody decides on their own request.
    if ((action === 'approve' || action === 'reject') && isRequester) {
      throw forbidden(`${actor} requested this promotion and cannot ${action} it (separation of duties)`, 'SELF_APPROVAL');
    }
    // The requester may always cancel their own request; others need the cancel permission.
    if (!(action === 'cancel' && isRequester) && !(await allowed(ACTION_PERMISSION[action], request.entityRef, credentials))) {
      throw forbidden(`${actor} may not ${action} promotions of ${request.entityRef}`);
    }
    const { from } = TRANSITIONS[action];
    if (request.state !== from) {
      throw conflict(`cannot ${action} a request in state ${request.state} (only from ${from})`, 'INVALID_TRANSITION', { current: { id: request.id, state: request.state, version: request.version, decidedBy: request.decidedBy } });
    }
    const entity = await loadEntity(request.entityRef, credentials);
    let report: GateReport | null = null;
    let overridden = false;
    if (action === 'approve') {
      report = await gates.evaluate({ entity, entityRef: request.entityRef, fromEnvironment: request.fromEnvironment, toEnvironment: request.toEnvironment });
    }
    const asked = { id: request.id, requested_by: request.requestedBy, from_environment: request.fromEnvironment, to_environment: request.toEnvironment, state: request.state };
    const decision = await decide(await policyInput(action, credentials, entity, request.entityRef, asked, report, overrideReason));
    traceDecision(span, decision);
    if (report) {
      report = withRequired(report, decision.required_gates);
      if (!report.passed) {
        const open = report.gates.filter((g) => g.required && g.status !== 'passed').map((g) => `${g.gate}: ${g.status} (${g.summary})`);
        if (!overrideReason) {
          throw unprocessable(`gates not passed: ${open.join('; ')}. An authorized override with a reason is required`, 'GATES_NOT_PASSED', { gates: report });
        }
        if (!(await allowed(apiPromotionOverridePermission, request.entityRef, credentials))) {
          throw forbidden(`${actor} may not override failed gates of ${request.entityRef}`);
        }
        overridden = true;
      }
    }
    enforce(decision, report);
    const why = overridden ? `override: ${overrideReason}${reason ? ` / ${reason}` : ''}` : reason;
    const out = await store.transition({ id: request.id, action, actor, expectedVersion: version, reason: why, override: overridden, gates: report, policy: decision, current: request }, idem);
    if (!out.replayed) logger.info(`promotion ${request.id} (${request.entityRef}): ${action} by ${actor}${overridden ? ' (gate override)' : ''}`);
    return send(res, out, span);
    });
  });

  router.post('/apis/deprecate', (req, res) => change('deprecate', async (span) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = actorOf(credentials);
    span.setAttribute(SPAN_ATTRIBUTES.actor, actor);
    const { entityRef, reason, sunsetDate: sunset } = parse(bodies.deprecate, req.body);
    span.setAttribute(SPAN_ATTRIBUTES.entityRef, entityRef);
    if (!reason) throw badRequest('a deprecation needs a reason');
    const idem = idempotency(req, actor, { entityRef, reason, sunsetDate: sunset });
    if (idem) {
      const stored = await store.lookupIdempotent(idem);
      if (stored) return send(res, { ...stored, replayed: true }, span);
    }
    const entity = await loadEntity(entityRef, credentials);
    if (!(await allowed(apiDeprecatePermission, entityRef, credentials))) {
      throw forbidden(`${actor} may not deprecate ${entityRef}`);
    }
    // Consumers: entities with a consumesApis relation to the API (the catalog's apiConsumedBy on the
    // API); their owners are notified.
    const consumers = [...new Set((entity.relations ?? []).filter((r) => r.type === 'apiConsumedBy').map((r) => r.targetRef))].sort();
    const owners = new Set<string>();
    for (const ref of consumers) {
      const consumer = await catalog.getEntityByRef(ref, { credentials });
      for (const r of consumer?.relations ?? []) if (r.type === 'ownedBy') owners.add(r.targetRef);
    }
    const out = await store.deprecate({ entityRef, reason, sunsetDate: sunset, actor, consumers, notifiedOwners: [...owners].sort() }, idem);
    if (!out.replayed && out.status === 201) logger.info(`api deprecated: ${entityRef} by ${actor}; ${consumers.length} consumers, ${owners.size} owners notified`);
    return send(res, out, span);
  }));

  router.get('/apis/deprecations', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { entityRef } = parse(querySchemas.deprecations, req.query, 'the query');
    res.json({ items: await store.listDeprecations({ entityRef }) });
  });

  router.get('/apis/deprecations/:id/audit', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    if (!ID.test(req.params.id!)) throw badRequest('deprecation ids are UUIDs');
    if (!(await store.deprecationById(req.params.id!))) throw notFound(`no deprecation ${req.params.id}`, 'REQUEST_NOT_FOUND');
    res.json({ items: await store.audit(req.params.id!) });
  });

  router.get('/events', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await store.listEvents(parse(querySchemas.events, req.query, 'the query')) });
  });

  return router;
}
