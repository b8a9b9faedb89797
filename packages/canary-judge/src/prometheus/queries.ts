/**
 * PromQL of the gate's named queries, built only with the telemetry contract's builders: label values
 * are escaped as PromQL string literals, label and metric names come from the contract. Nothing here
 * takes PromQL from a config file or a request.
 *
 * Label mapping of a canary evaluation (api, canary version C, baseline version B):
 * - canary:   {api="<api>", api_version="<C>", deployment_role="canary"}
 * - baseline: {api="<api>", api_version="<B>", deployment_role="baseline"}
 * Every series matching those labels is summed (all gateways, routes, consumers), so each query returns
 * at most one series per side.
 */
import { LABELS, errorRatio, latencyQuantile, requestRate, type Matchers, type Window } from '@api-observatory/telemetry-contract';
import { LATENCY_QUANTILE_QUERIES, type GateQueryName } from '../query-names';

export type Side = 'baseline' | 'canary';
export const SIDES: readonly Side[] = ['baseline', 'canary'];

/** Label matchers of one side of a canary evaluation (exact matches; values are escaped by the builders). */
export function sideMatchers(api: string, version: string, side: Side): Matchers {
  return {
    [LABELS.api.label]: api,
    [LABELS.apiVersion.label]: version,
    [LABELS.deploymentRole.label]: side,
  };
}

/**
 * PromQL of a named query for one side, with rates over `window` (the evaluation interval, so that
 * each value of a query_range at step = interval covers its own interval).
 */
export function gateQueryPromql(name: GateQueryName, filter: Matchers, window: Window): string {
  if (name === 'errorRatio') return errorRatio({ filter, window });
  if (name === 'requestRate') return requestRate({ filter, window });
  const latency = LATENCY_QUANTILE_QUERIES[name];
  if (!latency) throw new RangeError(`unknown gate query ${JSON.stringify(name)}`);
  return latencyQuantile(latency.quantile, latency.kind, { filter, window });
}
