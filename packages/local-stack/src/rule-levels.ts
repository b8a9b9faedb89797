import { readFileSync } from 'node:fs';
import YAML from 'yaml';

export interface LeveledRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
  /** 1 for rules over raw series; n + 1 for rules that read a level-n recorded series. */
  level: number;
}

/**
 * Recording rules of the given rule files with their dependency level. `promtool tsdb
 * create-blocks-from rules` evaluates rules against the TSDB as it is, so rules that read recorded
 * series must be backfilled after the level they read has been loaded: one promtool run per level.
 */
export function recordingRuleLevels(files: readonly string[]): LeveledRule[] {
  const rules = files.flatMap((f) => {
    const doc = YAML.parse(readFileSync(f, 'utf8')) as { groups: Array<{ rules: Array<{ record?: string; expr: string; labels?: Record<string, string> }> }> };
    return doc.groups.flatMap((g) => g.rules.filter((r): r is { record: string; expr: string; labels?: Record<string, string> } => typeof r.record === 'string'));
  });
  const names = [...new Set(rules.map((r) => r.record))];
  const refs = (expr: string) => names.filter((n) => new RegExp(`(^|[^A-Za-z0-9_:])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_:])`).test(expr));
  const level = new Map<string, number>();
  for (let pass = 0; pass <= names.length; pass++) {
    let changed = false;
    for (const r of rules) {
      const l = 1 + Math.max(0, ...refs(r.expr).map((n) => level.get(n) ?? 0));
      if ((level.get(r.record) ?? 0) < l) {
        level.set(r.record, l);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return rules.map((r) => ({ record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}), level: level.get(r.record)! }));
}
