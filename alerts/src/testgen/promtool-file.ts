import { renderTemplate, type AlertRule } from '../model';
import { runbookUrl } from '../render';

/** promtool's unit-test file format (`promtool test rules`). */
export interface InputSeries {
  series: string;
  values: string;
}
export interface ExpAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpAlert[];
}
export interface ExpSample {
  labels: string;
  value: number;
}
export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: ExpSample[];
}
export interface TestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test?: AlertRuleTest[];
  promql_expr_test?: PromqlExprTest[];
}
export interface PromtoolTestFile {
  /** File name under alerts/tests/. */
  file: string;
  /** Header comment. */
  title: string;
  rule_files: string[];
  evaluation_interval: string;
  group_eval_order: string[];
  tests: TestGroup[];
}

export const minutes = (m: number): string => {
  if (!Number.isInteger(m) || m < 0) throw new RangeError(`eval time must be whole minutes, got ${m}`);
  return `${m}m`;
};

/**
 * Counter samples every interval in promtool notation: 0 at t=0, then for each segment `n` samples that
 * each add `inc`. Values are accumulated exactly as promtool's parser does (iterative addition).
 */
export function counterValues(segments: ReadonlyArray<readonly [n: number, inc: number]>): string {
  let v = 0;
  const toks = ['0'];
  for (const [n, inc] of segments) {
    if (n <= 0) continue;
    const first = v + inc;
    toks.push(n === 1 ? String(first) : `${first}+${inc}x${n - 1}`);
    v = first;
    for (let i = 1; i < n; i++) v += inc;
  }
  return toks.join(' ');
}

/** Gauge samples: `n` samples of `value` per segment, starting at t=0. */
export function gaugeValues(segments: ReadonlyArray<readonly [n: number, value: number]>): string {
  return segments.filter(([n]) => n > 0).map(([n, value]) => (n === 1 ? String(value) : `${value}+0x${n - 1}`)).join(' ');
}

/** The alert promtool must report: the expression's labels plus the rule's, annotations rendered. */
export function expectAlert(rule: AlertRule, sampleLabels: Record<string, string>, runbookBase: string): ExpAlert {
  return {
    exp_labels: { ...sampleLabels, severity: rule.severity, persona: rule.persona, ...rule.labels },
    exp_annotations: {
      summary: renderTemplate(rule.summary, sampleLabels),
      description: renderTemplate(rule.description, sampleLabels),
      runbook_url: runbookUrl(runbookBase, rule.alert),
    },
  };
}

const key = (a: ExpAlert) => JSON.stringify(Object.entries(a.exp_labels).sort());
export function alertTest(alertname: string, evalMinutes: number, alerts: ExpAlert[]): AlertRuleTest {
  return { eval_time: minutes(evalMinutes), alertname, exp_alerts: [...alerts].sort((a, b) => key(a).localeCompare(key(b))) };
}
