/**
 * Gate config resolution for the Canary page: the canary judge's DEFAULT gate (what `canary-gate`
 * uses without --config) or an inline YAML / JSON config validated with the judge's own validator,
 * so a config is accepted here exactly when the CLI accepts it, with the same field-naming messages.
 */
import {
  DEFAULT_GATE_CONFIG,
  ValidationError,
  checkEvaluationWindow,
  parseDuration,
  parseGateConfig,
  unresolvedQueries,
  type GateConfig,
} from '@api-observatory/canary-judge/browser';
import type { AppSettings } from '../settings';

export interface GateProblem {
  /** Field path, e.g. `metrics[2].tolerance.relative` ('' for the document). */
  path: string;
  message: string;
}

export type GateResolution =
  | { ok: true; config: GateConfig; source: 'default' | 'inline' }
  | { ok: false; problems: GateProblem[]; source: 'default' | 'inline' };

/** Validates gate config text (YAML or JSON) like `canary-gate --config`, plus the live-evaluation check that every metric has a named query. */
export function validateGateText(text: string): GateResolution {
  if (text.trim() === '') {
    return { ok: false, source: 'inline', problems: [{ path: '', message: 'the inline gate config is empty' }] };
  }
  let config: GateConfig;
  try {
    config = parseGateConfig(text, { source: 'inline gate config' });
  } catch (e) {
    if (e instanceof ValidationError) {
      return { ok: false, source: 'inline', problems: e.issues.map((i) => ({ path: i.path, message: i.message })) };
    }
    return { ok: false, source: 'inline', problems: [{ path: '', message: (e as Error).message }] };
  }
  const unresolved = unresolvedQueries(config.metrics);
  if (unresolved.length) {
    return { ok: false, source: 'inline', problems: unresolved.map((message) => ({ path: 'metrics', message })) };
  }
  return { ok: true, source: 'inline', config };
}

export function resolveGate(settings: Pick<AppSettings, 'gateSource' | 'gateConfig'>): GateResolution {
  if (settings.gateSource === 'inline') {
    return validateGateText(settings.gateConfig);
  }
  return { ok: true, source: 'default', config: DEFAULT_GATE_CONFIG };
}

export interface EvaluationWindow {
  intervalMs: number;
  lookbackMs: number;
}

/** Interval and lookback as `canary-gate evaluate` checks them (--interval / --lookback messages). */
export function resolveWindow(config: GateConfig, interval: string, lookback: string): { ok: true; window: EvaluationWindow } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const intervalMs = parseDuration(interval);
  const lookbackMs = parseDuration(lookback);
  if (intervalMs === null) {
    problems.push(`interval must be a duration such as 30s, 1m or 1h30m, got ${JSON.stringify(interval)}`);
  }
  if (lookbackMs === null) {
    problems.push(`lookback must be a duration such as 10m or 1h, got ${JSON.stringify(lookback)}`);
  }
  if (intervalMs === null || lookbackMs === null) {
    return { ok: false, problems };
  }
  const windowProblems = checkEvaluationWindow(config, intervalMs, lookbackMs, { interval: 'interval', lookback: 'lookback' });
  if (windowProblems.length) {
    return { ok: false, problems: windowProblems };
  }
  return { ok: true, window: { intervalMs, lookbackMs } };
}
