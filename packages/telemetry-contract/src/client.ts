/**
 * A small client for Prometheus' HTTP API, for servers that run the contract's queries
 * (Backstage backend, canary gate, tests). Errors say whether Prometheus was unreachable or refused the query.
 */

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}
export interface Exemplar {
  labels: Record<string, string>;
  value: string;
  timestamp: number;
}
export interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Exemplar[];
}

export class PrometheusUnreachableError extends Error {
  override name = 'PrometheusUnreachableError';
}
export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
  constructor(message: string, readonly errorType: string) {
    super(message);
  }
}

type Time = Date | number;
const seconds = (t: Time) => (typeof t === 'number' ? t : t.getTime() / 1000).toString();

export class PrometheusClient {
  private readonly base: string;
  constructor(baseUrl: string, private readonly timeoutMs = 10_000) {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`Prometheus URL must be http(s): ${baseUrl}`);
    this.base = u.href.replace(/\/+$/, '');
  }

  private async call<T>(path: string, params: Record<string, string>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new PrometheusUnreachableError(`Prometheus at ${this.base} is unreachable: ${(e as Error).cause ?? (e as Error).message}`);
    }
    const text = await res.text();
    let body: { status?: string; data?: T; error?: string; errorType?: string };
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusUnreachableError(`Prometheus at ${this.base} answered ${res.status} without JSON: ${text.slice(0, 200)}`);
    }
    if (body.status !== 'success') throw new PrometheusQueryError(body.error ?? `HTTP ${res.status}`, body.errorType ?? 'unknown');
    return body.data as T;
  }

  async query(promql: string, time?: Time): Promise<Sample[]> {
    const data = await this.call<{ resultType: string; result: Sample[] }>('/api/v1/query', {
      query: promql,
      ...(time !== undefined ? { time: seconds(time) } : {}),
    });
    if (data.resultType !== 'vector') throw new PrometheusQueryError(`expected a vector, got ${data.resultType}`, 'bad_data');
    return data.result;
  }

  async queryRange(promql: string, start: Time, end: Time, stepSeconds: number): Promise<RangeSeries[]> {
    const data = await this.call<{ result: RangeSeries[] }>('/api/v1/query_range', {
      query: promql, start: seconds(start), end: seconds(end), step: String(stepSeconds),
    });
    return data.result;
  }

  queryExemplars(promql: string, start: Time, end: Time): Promise<ExemplarSeries[]> {
    return this.call<ExemplarSeries[]>('/api/v1/query_exemplars', { query: promql, start: seconds(start), end: seconds(end) });
  }

  series(match: string, start?: Time, end?: Time): Promise<Array<Record<string, string>>> {
    return this.call('/api/v1/series', {
      'match[]': match,
      ...(start !== undefined ? { start: seconds(start) } : {}),
      ...(end !== undefined ? { end: seconds(end) } : {}),
    });
  }
}
