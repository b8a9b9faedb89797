import type { AuditEntry, ErrorBody, GateInfo, PromotionAction, PromotionRequest, PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';

/** The parts of Backstage's discoveryApi and fetchApi the client uses. */
export interface DiscoveryLike {
  getBaseUrl(pluginId: string): Promise<string>;
}
export interface FetchLike {
  fetch: typeof fetch;
}

/**
 * A recorded domain event of an API (`GET /events?entityRef=`). Defined here, loosely, because the
 * backend route is newer than this client: only `type` is required; anything else is shown as-is.
 */
export interface GovernanceEvent {
  id?: string | number;
  type: string;
  entityRef?: string;
  /** ISO timestamp (`at`, `occurredAt` or `createdAt`, whichever the backend sends). */
  at?: string;
  occurredAt?: string;
  createdAt?: string;
  actor?: string;
  payload?: unknown;
  [key: string]: unknown;
}

/** Body of a transition (`POST /requests/:id/<action>`). */
export interface TransitionInput {
  version?: number;
  reason?: string;
  override?: { reason: string };
}

export interface CreateRequestInput {
  entityRef: string;
  toEnvironment: string;
  fromEnvironment?: string;
  comment?: string;
}

/** Options of a write: the Idempotency-Key of the user action (generated when absent). */
export interface WriteOptions {
  idempotencyKey?: string;
}

/** A failed call, with the backend's error code (or NETWORK / UNEXPECTED when there is none). */
export class GovernanceApiError extends Error {
  override name = 'GovernanceApiError';
  constructor(
    /** The backend's `error.code` (a string: newer backends may send codes this client does not know). */
    readonly code: string,
    message: string,
    readonly status?: number,
    /** The backend's `error.details` (e.g. the current state on a 409, the gates on a 422). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface ApiGovernanceApi {
  getEnvironments(): Promise<string[]>;
  /** The backend's gate registry (`GET /gates`): each gate's name, title and description; [] from a backend without the route (404). */
  listGates(): Promise<GateInfo[]>;
  listRequests(filter?: { entityRef?: string; state?: PromotionState }): Promise<PromotionRequest[]>;
  getRequest(id: string): Promise<PromotionRequest>;
  getAudit(id: string): Promise<AuditEntry[]>;
  /** Recorded domain events of an entity; an empty list when the backend has no events route (404). */
  listEvents(entityRef: string): Promise<GovernanceEvent[]>;
  createRequest(input: CreateRequestInput, options?: WriteOptions): Promise<PromotionRequest>;
  transition(id: string, action: PromotionAction, input: TransitionInput, options?: WriteOptions): Promise<PromotionRequest>;
}

/** A new random Idempotency-Key: one per user action, reused when that action is retried. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const EVENTS_PAGE = 500;
const EVENTS_MAX_PAGES = 10;

/**
 * A recorded event as the backend lists it (`RecordedEvent` of -common: seq, eventId, topic,
 * occurredAt, payload with actor) or in a looser shape (`type`, `at`): normalized to GovernanceEvent.
 */
function normalizeEvent(raw: unknown): GovernanceEvent | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const e = raw as Record<string, unknown>;
  const payload = e.payload && typeof e.payload === 'object' ? (e.payload as Record<string, unknown>) : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const type = str(e.topic) ?? str(e.type) ?? str(payload?.type);
  if (!type) return undefined;
  return {
    ...e,
    id: (e.eventId as string | undefined) ?? (e.id as string | number | undefined) ?? (e.seq as number | undefined),
    type,
    at: str(e.occurredAt) ?? str(e.at) ?? str(e.createdAt) ?? str(payload?.occurredAt),
    actor: str(e.actor) ?? str(payload?.actor),
    payload: e.payload,
  };
}

/** A gate of `GET /gates` with the fields the UI shows; anything else in the list is left out. */
function isGateInfo(raw: unknown): raw is GateInfo {
  const g = raw as Partial<GateInfo> | null;
  return !!g && typeof g === 'object' && typeof g.name === 'string' && typeof g.title === 'string' && typeof g.description === 'string';
}

/** Statuses after which a write is retried (with the same Idempotency-Key): the outcome is unknown. */
const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * Calls the api-governance backend through discoveryApi (base URL) and fetchApi (Backstage token).
 * Writes carry an Idempotency-Key; a write whose outcome is unknown (network error, 502/503/504) is
 * retried once with the same key, so the backend applies it at most once.
 */
export class ApiGovernanceClient implements ApiGovernanceApi {
  private readonly retryDelayMs: number;

  constructor(private readonly deps: { discoveryApi: DiscoveryLike; fetchApi: FetchLike; retryDelayMs?: number }) {
    this.retryDelayMs = deps.retryDelayMs ?? 500;
  }

  async getEnvironments(): Promise<string[]> {
    const body = await this.call<{ environments: string[] }>('GET', '/environments');
    return Array.isArray(body.environments) ? body.environments : [];
  }

  async listGates(): Promise<GateInfo[]> {
    let body: { gates?: unknown };
    try {
      body = await this.call<{ gates?: unknown }>('GET', '/gates');
    } catch (e) {
      // A backend without the gate registry answers 404: the gates are shown by name.
      if (e instanceof GovernanceApiError && e.status === 404) return [];
      throw e;
    }
    return Array.isArray(body.gates) ? body.gates.filter(isGateInfo) : [];
  }

  async listRequests(filter: { entityRef?: string; state?: PromotionState } = {}): Promise<PromotionRequest[]> {
    const q = new URLSearchParams();
    if (filter.entityRef) q.set('entityRef', filter.entityRef);
    if (filter.state) q.set('state', filter.state);
    const qs = q.toString();
    const body = await this.call<{ items: PromotionRequest[] }>('GET', `/requests${qs ? `?${qs}` : ''}`);
    return Array.isArray(body.items) ? body.items : [];
  }

  getRequest(id: string): Promise<PromotionRequest> {
    return this.call<PromotionRequest>('GET', `/requests/${encodeURIComponent(id)}`);
  }

  async getAudit(id: string): Promise<AuditEntry[]> {
    const body = await this.call<{ items: AuditEntry[] }>('GET', `/requests/${encodeURIComponent(id)}/audit`);
    return Array.isArray(body.items) ? body.items : [];
  }

  async listEvents(entityRef: string): Promise<GovernanceEvent[]> {
    const out: GovernanceEvent[] = [];
    let after: number | undefined;
    // Pages of up to EVENTS_PAGE (oldest first, after the last `seq` seen), at most EVENTS_MAX_PAGES.
    for (let page = 0; page < EVENTS_MAX_PAGES; page++) {
      const q = new URLSearchParams({ entityRef, limit: String(EVENTS_PAGE) });
      if (after !== undefined) q.set('after', String(after));
      let body: { items?: unknown[]; events?: unknown[] } | unknown[];
      try {
        body = await this.call<{ items?: unknown[]; events?: unknown[] } | unknown[]>('GET', `/events?${q}`);
      } catch (e) {
        // A backend without the events route answers 404: nothing recorded (as far as we can tell).
        if (e instanceof GovernanceApiError && e.status === 404) return out;
        throw e;
      }
      const items = Array.isArray(body) ? body : (body.items ?? body.events);
      if (!Array.isArray(items)) return out;
      const events = items.map(normalizeEvent).filter((e): e is GovernanceEvent => !!e);
      out.push(...events);
      const last = items[items.length - 1] as { seq?: unknown } | undefined;
      if (items.length < EVENTS_PAGE || typeof last?.seq !== 'number') return out;
      after = last.seq;
    }
    return out;
  }

  createRequest(input: CreateRequestInput, options: WriteOptions = {}): Promise<PromotionRequest> {
    return this.write<PromotionRequest>('/requests', input, options);
  }

  transition(id: string, action: PromotionAction, input: TransitionInput, options: WriteOptions = {}): Promise<PromotionRequest> {
    return this.write<PromotionRequest>(`/requests/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, input, options);
  }

  private async write<T>(path: string, body: unknown, options: WriteOptions): Promise<T> {
    const key = options.idempotencyKey ?? newIdempotencyKey();
    try {
      return await this.call<T>('POST', path, body, key);
    } catch (e) {
      const retry = e instanceof GovernanceApiError && (e.code === 'NETWORK' || (e.status !== undefined && RETRY_STATUSES.has(e.status)));
      if (!retry) throw e;
      await new Promise((r) => setTimeout(r, this.retryDelayMs));
      return this.call<T>('POST', path, body, key);
    }
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('api-governance');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let res: Response;
    try {
      res = await this.deps.fetchApi.fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new GovernanceApiError('NETWORK', `the governance backend is unreachable: ${(e as Error)?.message ?? e}`);
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      throw new GovernanceApiError('UNEXPECTED', `the governance backend answered ${res.status} without JSON`, res.status);
    }
    if (!res.ok) {
      const err = (parsed as Partial<ErrorBody> | null)?.error;
      const code = typeof err?.code === 'string' ? err.code : res.status === 401 ? 'UNAUTHORIZED' : 'UNEXPECTED';
      const message = typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`;
      throw new GovernanceApiError(code, message, res.status, err?.details);
    }
    return parsed as T;
  }
}
