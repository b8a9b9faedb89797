/**
 * Inline YAML gate configs on the configuration page: `validateGateText` reads them with the canary judge's
 * document reader, i.e. @api-observatory/safe-yaml, the same reader as `canary-gate --config` (its parser
 * tests, against `yaml` 2 too, are in packages/safe-yaml/test). Here: what the page shows for YAML.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { DEFAULT_GATE_CONFIG } from '@api-observatory/canary-judge/browser';
import { validateGateText } from './gate';

const JUDGE = path.join(__dirname, '../../../../packages/canary-judge');
const METRIC = ['    query: errorRatio', '    direction: increase'];
const problems = (text: string) => {
  const r = validateGateText(text);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('inline YAML gate configs', () => {
  it('the shipped gate configs are accepted; the default gate reads as DEFAULT_GATE_CONFIG', () => {
    for (const f of ['config/default-gate.yaml', 'examples/gate-prometheus.yaml', 'examples/gate-strict.yaml']) {
      const text = readFileSync(path.join(JUDGE, f), 'utf8');
      expect(problems(text)).toEqual([]);
      const r = validateGateText(text);
      if (f === 'config/default-gate.yaml') {
        expect(r.ok && r.config).toEqual(DEFAULT_GATE_CONFIG);
      }
    }
  });

  it('anchors and aliases: a tolerance and a guard shared between metrics', () => {
    const text = [
      'name: shared',
      'metrics:',
      '  - name: errors',
      ...METRIC,
      '    tolerance: &tol { relative: 0.2, absolute: 0.004 }',
      '    guard: &guard',
      '      max: 0.05',
      '      statistic: median',
      '  - name: errors_again',
      ...METRIC,
      '    tolerance: *tol',
      '    guard: *guard',
    ].join('\n');
    const r = validateGateText(text);
    expect(r.ok).toBe(true);
    expect(r.ok && r.config.metrics[1]!.tolerance).toEqual({ relative: 0.2, absolute: 0.004 });
  });

  it('YAML 1.1 booleans (yes / on) are strings in YAML 1.2: `critical: yes` is refused, naming the field', () => {
    for (const word of ['yes', 'on', 'Off', 'y']) {
      const text = ['metrics:', '  - name: errors', ...METRIC, `    critical: ${word}`, ''].join('\n');
      expect(problems(text).join('\n')).toMatch(/critical/);
    }
    expect(problems(['metrics:', '  - name: errors', ...METRIC, '    critical: true', ''].join('\n'))).toEqual([]);
  });

  it.each([
    ['an unclosed flow collection', 'metrics:\n  - name: errors\n    guard: { max: 0.05\n    direction: increase\n', 4],
    ['a duplicate key', 'name: a\nname: b\n', 2],
    ['a tab as indentation', 'metrics:\n\t- name: errors\n', 2],
    ['bad indentation', 'name: a\n  onNoData: hold\n', 2],
    ['two documents', 'name: a\n---\nname: b\n', 2],
  ])('malformed YAML, %s: the problem names line and column', (_what, text, line) => {
    const message = problems(text)[0] ?? '';
    expect(message).toMatch(/^: gate config is not valid YAML: .+ at line \d+, column \d+$/);
    expect(message).toContain(`at line ${line}, column `);
  });

  it('alias bombs (billion laughs and deeper) are refused, quickly', () => {
    const bomb = (levels: number, width = 10) => {
      const lines = [`l0: &l0 [${Array(width).fill('lol').join(', ')}]`];
      for (let i = 1; i < levels; i++) {
        lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
      }
      return `${lines.join('\n')}\nmetrics: []\n`;
    };
    for (const text of [bomb(9), bomb(200, 2), bomb(20, 100)]) {
      const t0 = performance.now();
      const message = problems(text)[0] ?? '';
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(message).toMatch(/not valid YAML: Excessive YAML alias expansion/);
    }
  });
});
