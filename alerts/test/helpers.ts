import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ALERTS_DIR } from '../src/generate';

export interface RuleYaml {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface GroupYaml {
  name: string;
  rules: RuleYaml[];
}

export const RULES_DIR = path.join(ALERTS_DIR, 'rules');
export const TESTS_DIR = path.join(ALERTS_DIR, 'tests');

export const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** The committed rule files, parsed. */
export function committedRules(): Array<{ file: string; groups: GroupYaml[] }> {
  return yamlFiles(RULES_DIR).map((file) => ({ file, groups: (YAML.parse(readFileSync(path.join(RULES_DIR, file), 'utf8')) as { groups: GroupYaml[] }).groups }));
}

export function allRules(): Array<RuleYaml & { file: string; group: string }> {
  return committedRules().flatMap(({ file, groups }) => groups.flatMap((g) => g.rules.map((r) => ({ ...r, file, group: g.name }))));
}

export interface TestFileYaml {
  rule_files: string[];
  evaluation_interval: string;
  tests: Array<{
    name: string;
    input_series: Array<{ series: string; values: string }>;
    alert_rule_test?: Array<{ eval_time: string; alertname: string; exp_alerts?: unknown[] }>;
    promql_expr_test?: Array<{ expr: string; eval_time: string }>;
  }>;
}

export function committedTests(): Array<{ file: string; doc: TestFileYaml }> {
  return yamlFiles(TESTS_DIR).map((file) => ({ file, doc: YAML.parse(readFileSync(path.join(TESTS_DIR, file), 'utf8')) as TestFileYaml }));
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);
export const FUNCTIONS = new Set([
  'sum', 'max', 'min', 'avg', 'count', 'group', 'topk', 'rate', 'increase', 'avg_over_time', 'max_over_time', 'histogram_quantile', 'round',
]);

/**
 * Metric names a PromQL expression reads, and the functions it calls. A small scanner for the subset the
 * pack generates: strings, matcher blocks, ranges, grouping clauses and offsets are removed first.
 */
export function scanPromql(expr: string): { metrics: string[]; functions: string[] } {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  s = s.replace(/\boffset\s+[0-9a-z]+/g, ' ');
  s = s.replace(/(?<![a-zA-Z0-9_:.])\d+(?:\.\d+)?(?:e[+-]?\d+)?/g, ' ');
  const metrics: string[] = [];
  const functions: string[] = [];
  const re = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const word = m[0];
    const next = s.slice(m.index + word.length).trimStart()[0];
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (next === '(') functions.push(word);
    else metrics.push(word);
  }
  return { metrics, functions };
}
