/**
 * INSTALL.md's Backstage steps, read from the file and applied to a fresh app, so the guide and the test
 * cannot drift apart. A step is a fenced block preceded by a marker comment:
 *
 *   <!-- fresh-app <group>: run -->                      sh block: each line runs in the app's root
 *   <!-- fresh-app <group>: insert <file> before "<anchor>" -->   (or after) the block goes into <file>
 *   <!-- fresh-app <group>: replace <file> -->          diff block: the `-` lines become the `+` lines
 *   <!-- fresh-app <group>: config <file> -->           yaml block merged into <file> (app-config.yaml)
 *
 * Groups: `backend`, `frontend` (new frontend system), `frontend-legacy`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export const INSTALL_MD = path.resolve(__dirname, '..', '..', '..', 'INSTALL.md');

export interface Step {
  group: string;
  action: 'run' | 'insert' | 'replace' | 'config';
  file?: string;
  where?: 'before' | 'after';
  anchor?: string;
  lang: string;
  body: string;
  /** 1-based line of the marker in INSTALL.md. */
  line: number;
}

const MARKER = /<!-- fresh-app ([\w-]+): (run|insert|replace|config)(?: (\S+))?(?: (before|after) "((?:[^"\\]|\\.)*)")? -->\r?\n```(\w*)\r?\n([\s\S]*?)\r?\n```/g;

export function readSteps(markdown = readFileSync(INSTALL_MD, 'utf8')): Step[] {
  const steps: Step[] = [];
  for (const m of markdown.matchAll(MARKER)) {
    const [, group, action, file, where, anchor, lang, body] = m;
    steps.push({
      group: group!,
      action: action as Step['action'],
      file,
      where: where as Step['where'],
      anchor: anchor?.replace(/\\(.)/g, '$1'),
      lang: lang!,
      body: body!,
      line: markdown.slice(0, m.index).split('\n').length,
    });
  }
  return steps;
}

/** The shell commands of a group's `run` steps, in order (comments and blank lines left out). */
export function commands(steps: Step[], group: string): string[] {
  return steps
    .filter((s) => s.group === group && s.action === 'run')
    .flatMap((s) => s.body.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function deepMerge(target: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(src)) {
    const cur = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    else target[k] = v;
  }
  return target;
}

/** Applies one file step (insert, replace, config) to the app; throws naming the step when its anchor is missing. */
export function applyFileStep(appDir: string, step: Step): void {
  if (step.action === 'run') throw new Error('run steps are executed by the caller');
  const file = path.join(appDir, step.file!);
  const where = `INSTALL.md line ${step.line} (${step.group}: ${step.action} ${step.file})`;
  let text = readFileSync(file, 'utf8');
  if (step.action === 'insert') {
    const at = text.indexOf(step.anchor!);
    if (at < 0) throw new Error(`${where}: "${step.anchor}" is not in ${step.file}`);
    const block = `${step.body}\n`;
    if (step.where === 'after') {
      const end = text.indexOf('\n', at + step.anchor!.length);
      const cut = end < 0 ? text.length : end + 1;
      text = text.slice(0, cut) + block + text.slice(cut);
    } else {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      text = text.slice(0, lineStart) + block + text.slice(lineStart);
    }
  } else if (step.action === 'replace') {
    const lines = step.body.split('\n');
    const old = lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)).join('\n');
    const neu = lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)).join('\n');
    if (!text.includes(old)) throw new Error(`${where}: these lines are not in ${step.file}:\n${old}`);
    text = text.replace(old, neu);
  } else {
    const merged = deepMerge((parseYaml(text) ?? {}) as Record<string, unknown>, parseYaml(step.body) as Record<string, unknown>);
    text = stringifyYaml(merged);
  }
  writeFileSync(file, text);
}
