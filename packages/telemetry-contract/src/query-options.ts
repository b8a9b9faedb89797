import { RATE_INTERVAL, type Matchers, type Window } from './promql';

/** Options of the named queries over raw and platform series. */
export interface QueryOptions {
  /** Label matchers (contract labels only). */
  filter?: Matchers;
  /** Labels to keep in the result. */
  by?: readonly string[];
  /** Range window; defaults to Grafana's $__rate_interval. */
  window?: Window;
}

/** The query's range window: Grafana's $__rate_interval unless one is given. */
export const rangeWindow = (o: QueryOptions): Window => o.window ?? RATE_INTERVAL;
