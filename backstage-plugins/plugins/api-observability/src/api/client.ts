import type { ErrorBody, ErrorCode, FiringAlerts, Summary, TraceView } from '@api-observatory/backstage-plugin-api-observability-common';

/** The parts of Backstage's discoveryApi and fetchApi the client uses. */
export interface DiscoveryLike {
  getBaseUrl(pluginId: string): Promise<string>;
}
export interface FetchLike {
  fetch: typeof fetch;
}

export interface EntityName {
  kind: string;
  namespace?: string;
  name: string;
}

export type SummaryRange = '15m' | '1h' | '6h' | '24h' | '7d';
export const SUMMARY_RANGES: readonly SummaryRange[] = ['15m', '1h', '6h', '24h', '7d'];

/** A failed call, with the backend's error code (or NETWORK / UNEXPECTED when there is none). */
export class ObservabilityApiError extends Error {
  override name = 'ObservabilityApiError';
  constructor(
    readonly code: ErrorCode | 'NETWORK' | 'UNEXPECTED',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Any failure as an ObservabilityApiError (what the views' error states take). */
export function asObservabilityApiError(e: unknown): ObservabilityApiError {
  return e instanceof ObservabilityApiError ? e : new ObservabilityApiError('UNEXPECTED', String((e as Error)?.message ?? e));
}

export interface ApiObservabilityApi {
  getSummary(entity: EntityName, range?: SummaryRange): Promise<Summary>;
  /** One trace from the backend's trace store (the backend validates the id). */
  getTrace(traceId: string): Promise<TraceView>;
  /** Alerts firing for the entity's API, as Alertmanager delivered them to the backend. */
  getFiringAlerts(entity: EntityName): Promise<FiringAlerts>;
}

const entityPath = (entity: EntityName) => [entity.kind.toLowerCase(), entity.namespace || 'default', entity.name].map(encodeURIComponent).join('/');

/** Calls the api-observability backend through discoveryApi (base URL) and fetchApi (Backstage token). */
export class ApiObservabilityClient implements ApiObservabilityApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryLike; fetchApi: FetchLike }) {}

  async getSummary(entity: EntityName, range: SummaryRange = '1h'): Promise<Summary> {
    return this.get<Summary>(`/entity/${entityPath(entity)}/summary?${new URLSearchParams({ range })}`);
  }

  async getFiringAlerts(entity: EntityName): Promise<FiringAlerts> {
    return this.get<FiringAlerts>(`/entity/${entityPath(entity)}/alerts`);
  }

  async getTrace(traceId: string): Promise<TraceView> {
    return this.get<TraceView>(`/traces/${encodeURIComponent(traceId)}`);
  }

  private async get<T>(pathAndQuery: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('api-observability');
    const url = `${base}${pathAndQuery}`;
    let res: Response;
    try {
      res = await this.deps.fetchApi.fetch(url);
    } catch (e) {
      throw new ObservabilityApiError('NETWORK', `the observability backend is unreachable: ${(e as Error).message}`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ObservabilityApiError('UNEXPECTED', `the observability backend answered ${res.status} without JSON`, res.status);
    }
    if (!res.ok) {
      const err = (body as Partial<ErrorBody>)?.error;
      const code = typeof err?.code === 'string' ? (err.code as ErrorCode) : 'UNEXPECTED';
      const message = typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`;
      throw new ObservabilityApiError(code, message, res.status);
    }
    return body as T;
  }
}
