/** A tiny Prometheus text-format / OpenMetrics parser, strict enough to catch format mistakes. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface ParsedFamily {
  name: string;
  help?: string;
  type?: string;
  samples: Sample[];
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+(\S+))?$/;

export function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(body.slice(i));
    if (!m) throw new Error(`bad label syntax at ${JSON.stringify(body.slice(i))}`);
    const name = m[1]!;
    i += m[0].length;
    let value = '';
    for (;;) {
      const ch = body[i];
      if (ch === undefined) throw new Error(`unterminated label value in ${body}`);
      if (ch === '\\') {
        const n = body[i + 1];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else throw new Error(`bad escape \\${n} in ${body}`);
        i += 2;
        continue;
      }
      if (ch === '"') {
        i++;
        break;
      }
      value += ch;
      i++;
    }
    if (name in labels) throw new Error(`duplicate label ${name}`);
    labels[name] = value;
    if (body[i] === ',') i++;
    else if (i < body.length) throw new Error(`expected , at ${JSON.stringify(body.slice(i))}`);
  }
  return labels;
}

export function parseSampleLine(line: string): Sample {
  const m = LINE.exec(line);
  if (!m) throw new Error(`not a sample line: ${line}`);
  const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
  if (Number.isNaN(value) && m[4] !== 'NaN') throw new Error(`bad value in ${line}`);
  const s: Sample = { name: m[1]!, labels: m[3] ? parseLabels(m[3]) : {}, value };
  if (m[5] !== undefined) {
    s.timestamp = Number(m[5]);
    if (!Number.isFinite(s.timestamp)) throw new Error(`bad timestamp in ${line}`);
  }
  return s;
}

const SUFFIXES: Record<string, string[]> = {
  counter: ['', '_total'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum'],
};

/** Parses text; every sample must belong to the family of the closest preceding TYPE line. */
export function parseExposition(text: string, o: { openMetrics?: boolean } = {}): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (o.openMetrics) {
    if (lines[lines.length - 1] !== '# EOF') throw new Error('OpenMetrics text must end with # EOF');
    lines.pop();
  }
  for (const line of lines) {
    if (line === '') throw new Error('empty line');
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, kw, name, ...rest] = line.split(' ');
      let fam = families.get(name!);
      if (!fam) {
        fam = { name: name!, samples: [] };
        families.set(name!, fam);
      } else if (current !== fam) {
        throw new Error(`family ${name} is interleaved with another`);
      }
      if (kw === 'HELP') {
        if (fam.help !== undefined) throw new Error(`second HELP for ${name}`);
        fam.help = rest.join(' ');
      } else {
        if (fam.type !== undefined) throw new Error(`second TYPE for ${name}`);
        if (fam.samples.length > 0) throw new Error(`TYPE after samples for ${name}`);
        fam.type = rest.join(' ');
      }
      current = fam;
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    const s = parseSampleLine(line);
    if (!current || !current.type) throw new Error(`sample before TYPE: ${line}`);
    const suffixes = SUFFIXES[current.type];
    if (!suffixes) throw new Error(`unknown type ${current.type}`);
    if (!suffixes.some((sfx) => s.name === current!.name + sfx)) throw new Error(`sample ${s.name} does not belong to family ${current.name} (${current.type})`);
    current.samples.push(s);
  }
  return families;
}

export function key(labels: Record<string, string>, without: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !without.includes(k))
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** Sum of a family's samples named `name`, grouped by the given labels. */
export function sumBy(f: ParsedFamily, name: string, by: readonly string[], filter: (s: Sample) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of f.samples) {
    if (s.name !== name || !filter(s)) continue;
    const k = by.map((b) => s.labels[b] ?? '').join('|');
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

/**
 * Checks histogram invariants per series (and per timestamp when present): buckets cumulative
 * non-decreasing in `le`, `+Inf` equal to `_count`. Returns the number of series checked.
 */
export function checkHistogram(f: ParsedFamily): number {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const k = `${key(s.labels, ['le'])}@${s.timestamp ?? ''}`;
    const g = groups.get(k) ?? { buckets: [] };
    groups.set(k, g);
    if (s.name === `${f.name}_bucket`) {
      const le = s.labels.le;
      if (le === undefined) throw new Error(`bucket without le in ${f.name}`);
      g.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name === `${f.name}_count`) g.count = s.value;
    else if (s.name === `${f.name}_sum`) g.sum = s.value;
  }
  for (const [k, g] of groups) {
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![1] < sorted[i - 1]![1]) throw new Error(`${f.name} ${k}: bucket le=${sorted[i]![0]} < previous`);
    }
    const inf = sorted[sorted.length - 1];
    if (!inf || inf[0] !== Infinity) throw new Error(`${f.name} ${k}: no +Inf bucket`);
    if (g.count === undefined || g.sum === undefined) throw new Error(`${f.name} ${k}: missing _count or _sum`);
    if (inf[1] !== g.count) throw new Error(`${f.name} ${k}: +Inf ${inf[1]} != count ${g.count}`);
  }
  return groups.size;
}

export function bucketBounds(f: ParsedFamily): number[] {
  const first = f.samples.find((s) => s.name === `${f.name}_bucket`);
  if (!first) return [];
  const k = key(first.labels, ['le']);
  return f.samples
    .filter((s) => s.name === `${f.name}_bucket` && key(s.labels, ['le']) === k && s.timestamp === first.timestamp)
    .map((s) => (s.labels.le === '+Inf' ? Infinity : Number(s.labels.le)));
}
