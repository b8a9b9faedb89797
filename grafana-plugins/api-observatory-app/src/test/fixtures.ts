/** The recorded fixtures (scripts/record-fixtures.ts): real Prometheus responses to the plugin's own queries. */
import prometheusFixture from './fixtures/prometheus.json';
import canariesFixture from './fixtures/canaries.json';
import type { PromResponse } from './frames';

export interface RecordedQuery {
  page: string;
  panel: string;
  refId: string;
  kind: 'range' | 'instant';
  expr: string;
  interpolated: string;
  start: number;
  end: number;
  step: number;
  response: PromResponse;
}
export interface RecordedVariable {
  name: string;
  label: string;
  selector: string;
  response: { status: string; data: string[] };
}
export interface RecordedCanary {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  end: number;
  interval: string;
  lookback: string;
  discover: { expr: string; response: PromResponse };
  samples: Record<string, PromResponse>;
  cli: { exitCode: number; report: { decision: string; verdict: { decision: string; score: number; classification: string; metrics: Array<{ metric: string; result: string; failed: boolean }> }; judgement: { decision: string; reasons: string[] } } };
}

export const fixture = prometheusFixture as unknown as {
  meta: { window: { start: number; end: number; liveEnd: number; step: number } };
  queries: Record<string, RecordedQuery>;
  byExpr: Record<string, string>;
  variables: Record<string, RecordedVariable>;
};
export const canaryFixture = canariesFixture as unknown as { canaries: RecordedCanary[] };

export function recorded(expr: string, instant: boolean): RecordedQuery | undefined {
  const key = fixture.byExpr[`${instant ? 'instant' : 'range'}|${expr}`];
  return key ? fixture.queries[key] : undefined;
}
