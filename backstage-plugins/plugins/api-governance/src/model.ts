import type { GateReport, PromotionRequest, PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';

/** States in which a request is still open (a decision or the promotion is pending). */
export const OPEN_STATES: readonly PromotionState[] = ['requested', 'approved'];

export const isOpen = (r: PromotionRequest) => OPEN_STATES.includes(r.state);

const time = (iso: string | null | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
};

/** Newest first (by last update, then by request time). */
export function newestFirst(requests: readonly PromotionRequest[]): PromotionRequest[] {
  return [...requests].sort((a, b) => time(b.updatedAt) - time(a.updatedAt) || time(b.requestedAt) - time(a.requestedAt));
}

/** The open request of an API (the newest one, should the backend ever hold several). */
export function openRequest(requests: readonly PromotionRequest[]): PromotionRequest | undefined {
  return newestFirst(requests).find(isOpen);
}

/**
 * Where the API is now: the target of the last promotion (the source again when that promotion was
 * rolled back); the first configured environment when nothing was ever promoted.
 */
export function currentEnvironment(environments: readonly string[], requests: readonly PromotionRequest[]): string | undefined {
  const last = newestFirst(requests).find((r) => r.state === 'promoted' || r.state === 'rolled_back');
  if (!last) return environments[0];
  return last.state === 'promoted' ? last.toEnvironment : last.fromEnvironment;
}

/** The promoted request that a rollback would undo: the last promotion, if it was not rolled back. */
export function lastPromotion(requests: readonly PromotionRequest[]): PromotionRequest | undefined {
  const last = newestFirst(requests).find((r) => r.state === 'promoted' || r.state === 'rolled_back');
  return last?.state === 'promoted' ? last : undefined;
}

/** The environment a new request should target by default: the one after the current environment. */
export function defaultTarget(environments: readonly string[], current: string | undefined): string | undefined {
  const i = current ? environments.indexOf(current) : -1;
  return environments[i + 1] ?? environments[environments.length - 1];
}

/** Whether approving needs an override: no gate report, or a required gate not passed. */
export function needsOverride(gates: GateReport | null | undefined): boolean {
  if (!gates || !Array.isArray(gates.gates)) return true;
  return !gates.passed || gates.gates.some((g) => g.required && g.status !== 'passed');
}

/** `user:default/alice` → `alice`; other namespaces and kinds keep their full reference. */
export function shortRef(ref: string | null | undefined): string {
  if (!ref) return '';
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(ref);
  if (!m) return ref;
  const [, kind, ns, name] = m;
  if (ns === 'default' && (kind === 'user' || kind === 'group')) return name!;
  return ns === 'default' ? `${kind}:${name}` : ref;
}

/** Age of an ISO timestamp relative to `now`: 45s, 12m, 3h, 5d. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const ms = Math.max(0, now - time(iso));
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export function formatTime(iso: string | null | undefined): string {
  const t = time(iso);
  return t ? new Date(t).toLocaleString() : '';
}

export const ageMs = (iso: string, now: number = Date.now()) => Math.max(0, now - time(iso));

export const STATE_LABEL: Record<PromotionState, string> = {
  requested: 'Awaiting decision',
  approved: 'Approved, awaiting promotion',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  promoted: 'Promoted',
  rolled_back: 'Rolled back',
};

export const stateLabel = (s: string) => STATE_LABEL[s as PromotionState] ?? s;

const DURATION_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A Prometheus duration such as `5m`, `1h` or `3d` in seconds; undefined for anything else. */
export function durationSeconds(w: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhdwy])$/.exec(w);
  return m ? Number(m[1]) * DURATION_UNIT_SECONDS[m[2]!]! : undefined;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The entries of an object keyed by durations, shortest first (other keys after them, as they were). */
function byWindow(o: Record<string, unknown>): Record<string, unknown> {
  const rank = (k: string) => durationSeconds(k) ?? Infinity;
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => rank(a) - rank(b)));
}

/**
 * A gate's evidence with its burn rates in one order, whatever order it was stored in: SLIs by name,
 * windows shortest first (`burnRates`, `queries`). Other evidence is returned as is.
 */
export function orderedEvidence(evidence: unknown): unknown {
  if (!isRecord(evidence)) return evidence;
  const out: Record<string, unknown> = { ...evidence };
  if (isRecord(evidence.burnRates)) {
    const slis = Object.keys(evidence.burnRates).sort();
    out.burnRates = Object.fromEntries(slis.map((sli) => {
      const rates = (evidence.burnRates as Record<string, unknown>)[sli];
      return [sli, isRecord(rates) ? byWindow(rates) : rates];
    }));
  }
  if (isRecord(evidence.queries)) out.queries = byWindow(evidence.queries);
  return out;
}
