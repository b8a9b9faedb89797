import type { GateName, GateStatus, PromotionAction, PromotionState } from './types';

/**
 * Events the api-governance backend publishes through Backstage's EventsService (one topic per kind),
 * described by the AsyncAPI 3.0 document backstage-plugins/catalog/apis/governance-events.yaml.
 *
 * Delivery is at least once: every event is first written to an outbox in the same database
 * transaction as the change it reports, then published after the commit; rows not yet published are
 * published again at start-up. A consumer deduplicates on `eventId`, which is stable across re-publishes.
 */

/** Version of the payload schemas below; bumped on a breaking change (new optional fields do not bump it). */
export const GOVERNANCE_EVENT_VERSION = 1 as const;

/** Topic of each promotion event, by the state the request reached. */
export const PROMOTION_EVENT_TOPICS = {
  requested: 'api-governance.promotion.requested',
  approved: 'api-governance.promotion.approved',
  rejected: 'api-governance.promotion.rejected',
  cancelled: 'api-governance.promotion.cancelled',
  promoted: 'api-governance.promotion.promoted',
  rolled_back: 'api-governance.promotion.rolled_back',
} as const satisfies Record<PromotionState, string>;

export type PromotionEventTopic = (typeof PROMOTION_EVENT_TOPICS)[PromotionState];

/** Topic of the deprecation event (not scoped to the plugin: any plugin may publish or consume it). */
export const API_DEPRECATED_TOPIC = 'api.deprecated' as const;

export type GovernanceEventTopic = PromotionEventTopic | typeof API_DEPRECATED_TOPIC;

/** Every topic the plugin publishes. */
export const GOVERNANCE_EVENT_TOPICS: readonly GovernanceEventTopic[] = [...Object.values(PROMOTION_EVENT_TOPICS), API_DEPRECATED_TOPIC];

/** Gate outcomes without their evidence (the evidence stays in the audit trail). */
export interface GateSummary {
  passed: boolean;
  gates: Array<{ gate: GateName; status: GateStatus; required: boolean; summary: string }>;
}

interface EventEnvelope<T extends GovernanceEventTopic> {
  /** Stable id of the event: the same on every (re-)publish of it. Deduplicate on it. */
  eventId: string;
  /** Payload schema version (GOVERNANCE_EVENT_VERSION). */
  version: typeof GOVERNANCE_EVENT_VERSION;
  /** The topic, repeated in the payload. */
  type: T;
  /** When the change was committed (ISO 8601, UTC). */
  occurredAt: string;
  /** Who made the change: a user entity ref or `service:<subject>`. */
  actor: string;
  /** The API entity, e.g. `api:default/orders`. */
  entityRef: string;
}

/**
 * Payload of every `api-governance.promotion.*` event. `eventId` is `promotion:<requestId>:<requestVersion>`.
 */
export interface PromotionEventPayload extends EventEnvelope<PromotionEventTopic> {
  requestId: string;
  /** The request's version after the change (1 when requested). */
  requestVersion: number;
  /** `create` for `requested`, else the action that made the transition. */
  action: 'create' | PromotionAction;
  fromEnvironment: string;
  toEnvironment: string;
  /** State before the change (null when requested). */
  previousState: PromotionState | null;
  /** State after the change. */
  state: PromotionState;
  /** Comment (requested) or reason given with the decision; null when none. */
  reason: string | null;
  /** Whether an approval overrode gates that had not passed. */
  overridden: boolean;
  /** Gates evaluated with this change (at request and at approval); null for other transitions. */
  gates: GateSummary | null;
}

/** Payload of `api.deprecated`. `eventId` is `deprecation:<deprecationId>`. */
export interface ApiDeprecatedEventPayload extends EventEnvelope<typeof API_DEPRECATED_TOPIC> {
  deprecationId: string;
  reason: string;
  /** Planned end of life (YYYY-MM-DD), null when not announced. */
  sunsetDate: string | null;
  /** Entities with a consumesApis relation to the API (from the catalog's apiConsumedBy relations). */
  consumers: string[];
  /** Owners of those entities: the recipients of the Backstage notification. */
  notifiedOwners: string[];
}

export type GovernanceEventPayload = PromotionEventPayload | ApiDeprecatedEventPayload;

/** A recorded event as `GET /events` lists it. */
export interface RecordedEvent {
  /** Position in the outbox: pass the last one seen as `after` to page. */
  seq: number;
  eventId: string;
  topic: GovernanceEventTopic;
  entityRef: string;
  occurredAt: string;
  /** When it was published to the EventsService (null: not yet, e.g. no events service or a crash). */
  publishedAt: string | null;
  payload: GovernanceEventPayload;
}

/** A recorded deprecation of an API (`POST /apis/deprecate`). */
export interface ApiDeprecation {
  id: string;
  entityRef: string;
  reason: string;
  sunsetDate: string | null;
  deprecatedBy: string;
  deprecatedAt: string;
  consumers: string[];
  notifiedOwners: string[];
}
