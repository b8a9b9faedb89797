/**
 * Which versions of an API are its live canary and baseline: read from the contract's
 * `deployment_role` label over the evaluation's lookback window (the gate's window, not an instant 1m
 * rate, so a baseline that serves few requests is still found). The one discovery of the pack: the
 * canary-gate server, the Backstage observability backend and the Grafana app (through the browser
 * entry: no Node imports here) all use it.
 *
 * Several versions in one role (a canary replaced during the window): the busiest over the window wins;
 * ties go to the version that sorts first, so the answer is stable.
 */
import { LABELS, oneOf, requestRate, type Sample } from '@api-observatory/telemetry-contract';
import { formatDuration } from './duration';
import { SIDES, type Side } from './prometheus/queries';

/** The part of PrometheusClient discovery uses (an instant query). */
export interface InstantQueryClient {
  query(promql: string, time?: Date | number): Promise<Sample[]>;
}

/** One version seen in one role, with its average request rate over the window. */
export interface VersionTraffic {
  version: string;
  requestsPerSecond: number;
}

export type CanaryDiscovery =
  /** A canary and a baseline: what an evaluation needs. */
  | { kind: 'found'; api: string; canaryVersion: string; baselineVersion: string; canaries: VersionTraffic[]; baselines: VersionTraffic[]; window: string }
  /** No deployment_role="canary" traffic for the API over the window. */
  | { kind: 'no-canary'; api: string; canaries: []; baselines: VersionTraffic[]; window: string }
  /** A canary runs but nothing served as its baseline over the window. */
  | { kind: 'no-baseline'; api: string; canaryVersion: string; canaries: VersionTraffic[]; baselines: []; window: string };

export interface DiscoveryOptions {
  /** Discovery window, ms: the evaluation's lookback. */
  lookbackMs: number;
  /** End of the window (default: now). */
  end?: Date;
  /** Judge this canary version instead of the busiest one (it must have canary traffic). */
  canaryVersion?: string;
  /** Use this baseline version instead of the busiest one (it need not have traffic: no data holds). */
  baselineVersion?: string;
}

/**
 * The instant query of a discovery: request rate per version and role (baseline, canary) over the
 * window, in seconds (the Grafana app's Canary page runs this very text through its datasource).
 */
export function discoveryQuery(api: string, lookbackMs: number): string {
  return requestRate({
    filter: { [LABELS.api.label]: api, [LABELS.deploymentRole.label]: oneOf(SIDES) },
    by: [LABELS.api.label, LABELS.apiVersion.label, LABELS.deploymentRole.label],
    window: `${Math.max(1, Math.round(lookbackMs / 1000))}s`,
  });
}

const busiestFirst = (a: VersionTraffic, b: VersionTraffic) => b.requestsPerSecond - a.requestsPerSecond || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0);

/** Versions per role from the discovery query's result (series with no version or no traffic are skipped). */
export function versionsByRole(samples: readonly { metric: Record<string, string>; value: [number, string] }[]): Record<Side, VersionTraffic[]> {
  const out: Record<Side, Map<string, number>> = { baseline: new Map(), canary: new Map() };
  for (const s of samples) {
    const role = s.metric[LABELS.deploymentRole.label] as Side | undefined;
    const version = s.metric[LABELS.apiVersion.label];
    const rps = Number(s.value[1]);
    if (!role || !(role in out) || !version || !Number.isFinite(rps) || rps <= 0) continue;
    out[role].set(version, (out[role].get(version) ?? 0) + rps);
  }
  const list = (m: Map<string, number>) => [...m].map(([version, requestsPerSecond]) => ({ version, requestsPerSecond })).sort(busiestFirst);
  return { baseline: list(out.baseline), canary: list(out.canary) };
}

/** The discovery answer for one API from the versions seen per role. */
export function pickCanary(api: string, seen: Record<Side, VersionTraffic[]>, options: Pick<DiscoveryOptions, 'canaryVersion' | 'baselineVersion' | 'lookbackMs'>): CanaryDiscovery {
  const window = formatDuration(options.lookbackMs);
  const canaries = options.canaryVersion !== undefined ? seen.canary.filter((c) => c.version === options.canaryVersion) : seen.canary;
  if (canaries.length === 0) return { kind: 'no-canary', api, canaries: [], baselines: seen.baseline, window };
  const canaryVersion = canaries[0]!.version;
  const baselineVersion = options.baselineVersion ?? seen.baseline[0]?.version;
  if (baselineVersion === undefined) return { kind: 'no-baseline', api, canaryVersion, canaries: seen.canary, baselines: [], window };
  return { kind: 'found', api, canaryVersion, baselineVersion, canaries: seen.canary, baselines: seen.baseline, window };
}

/** Discover the live canary and baseline of an API from Prometheus (one instant query). */
export async function discoverCanary(client: InstantQueryClient, api: string, options: DiscoveryOptions): Promise<CanaryDiscovery> {
  const end = options.end ?? new Date();
  const samples = await client.query(discoveryQuery(api, options.lookbackMs), end);
  return pickCanary(api, versionsByRole(samples), options);
}

/** A sentence for people: what discovery found, or why there is nothing to judge. */
export function describeDiscovery(d: CanaryDiscovery): string {
  switch (d.kind) {
    case 'found':
      return `canary ${d.canaryVersion} vs baseline ${d.baselineVersion} of API ${JSON.stringify(d.api)} (traffic over the last ${d.window})`;
    case 'no-canary':
      return `API ${JSON.stringify(d.api)} has no canary: no ${LABELS.deploymentRole.label}="canary" traffic over the last ${d.window}`;
    case 'no-baseline':
      return `API ${JSON.stringify(d.api)} runs canary ${d.canaryVersion} but has no baseline to compare it with: no ${LABELS.deploymentRole.label}="baseline" traffic over the last ${d.window}`;
  }
}
