/** The rule model the generators build and the emitters render (Prometheus rule-file shape). */

export const SEVERITIES = ['page', 'ticket', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const PERSONAS = ['platform', 'product', 'developer'] as const;
export type Persona = (typeof PERSONAS)[number];

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** Runbook text of an alert; RUNBOOK.md is generated from it (one section per alert name). */
export interface Runbook {
  /** What firing means, one or two sentences. */
  meaning: string;
  /** Who or what is affected. */
  impact: string;
  /** Steps to find the cause; PromQL in them is built from the contract's builders. */
  diagnosis: readonly string[];
  /** What to do about it. */
  mitigation: readonly string[];
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  severity: Severity;
  persona: Persona;
  /** Extra static labels (e.g. `slo`, team labels from slo.yaml). */
  labels?: Record<string, string>;
  /** Templates may only use `{{ $labels.<name> }}` so tests can render them exactly. */
  summary: string;
  description: string;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertRule>;
}

export interface RuleFile {
  /** File name under alerts/rules/. */
  file: string;
  /** What the file holds (rendered as a header comment). */
  title: string;
  groups: RuleGroup[];
}

export const isAlert = (r: RecordingRule | AlertRule): r is AlertRule => 'alert' in r;

/** `{{ $labels.api }}`: the only template form the pack uses. */
export const label = (name: string): string => `{{ $labels.${name} }}`;

/** Renders a template with label values, as Prometheus would for the `{{ $labels.x }}` form. */
export function renderTemplate(template: string, labels: Readonly<Record<string, string>>): string {
  const rest = template.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, n: string) => labels[n] ?? '');
  if (rest.includes('{{')) throw new Error(`template uses more than {{ $labels.x }}: ${template}`);
  return rest;
}

/** GitHub-style heading anchor of a runbook section: the alert name in lower case. */
export const runbookAnchor = (alert: string): string => alert.toLowerCase();
