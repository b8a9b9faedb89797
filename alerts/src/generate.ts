import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as contract from '@api-observatory/telemetry-contract';
import { BURN_RATE_TIERS, burnThreshold } from '@api-observatory/telemetry-contract';
import { DOCKER_ALERTMANAGER_FILE, renderDockerAlertmanager } from './alertmanager';
import { canaryRuleFile, canaryRunbooks } from './canary-alerts';
import { isAlert, type RuleFile, type Runbook } from './model';
import { platformRuleFile, platformRunbooks } from './platform-alerts';
import { recordingRuleFile } from './recording';
import { GENERATED_HEADER, renderRuleFile, renderRunbook, stringifyYaml, type RunbookSection } from './render';
import { parseSloConfig, type SloConfig } from './slo-config';
import { burnAlertName, sloRuleFile, sloRunbooks } from './slo';
import { canaryTestGroups } from './testgen/canary-tests';
import { platformTestGroups } from './testgen/platform-tests';
import type { PromtoolTestFile, TestGroup } from './testgen/promtool-file';
import { recordingTestGroups } from './testgen/recording-tests';
import { buildScenarios, type Headline } from './testgen/scenarios';
import { modelDetectionMinutes, workbookDetectionMinutes } from './testgen/sim';
import { bucketMissingGroups, simulateScenario, sloTestGroup } from './testgen/slo-tests';

/** alerts/ (the package folder). */
export const ALERTS_DIR = path.resolve(__dirname, '..');
export const SLO_FILE = 'slo.yaml';

export function loadSloConfig(dir = ALERTS_DIR): SloConfig {
  const file = path.join(dir, SLO_FILE);
  return parseSloConfig(readFileSync(file, 'utf8'), `alerts/${SLO_FILE}`);
}

export function ruleFiles(config: SloConfig): RuleFile[] {
  return [recordingRuleFile(), sloRuleFile(config), canaryRuleFile(), platformRuleFile()];
}

function testFile(file: string, title: string, rules: RuleFile[], evalMinutes: number, tests: TestGroup[]): PromtoolTestFile {
  return {
    file,
    title,
    rule_files: rules.map((r) => `../rules/${r.file}`),
    evaluation_interval: `${evalMinutes}m`,
    // Recording groups first, in file order, so rules that read recorded series see this evaluation's values.
    group_eval_order: rules.flatMap((r) => r.groups.map((g) => g.name)),
    tests,
  };
}

export function testFiles(config: SloConfig): PromtoolTestFile[] {
  const [recording, slo, canary, platform] = ruleFiles(config) as [RuleFile, RuleFile, RuleFile, RuleFile];
  const { scenarios } = buildScenarios(config);
  return [
    testFile('recording.yaml', 'Recorded series on steady traffic.', [recording, slo], 1, recordingTestGroups(config)),
    testFile('api-slo.yaml', 'Burn-rate alerts evaluated every minute: fast and sustained tiers, every target\'s threshold, the latency SLI guard.', [recording, slo], 1, [
      ...scenarios.minute.map((s) => sloTestGroup(config, s, 1).group),
      ...bucketMissingGroups(config),
    ]),
    testFile('api-slo-long.yaml', 'Burn-rate alerts over 3 days of history, evaluated every 5 minutes: the slow (ticket) tier.', [recording, slo], 5, scenarios.long.map((s) => sloTestGroup(config, s, 5).group)),
    testFile('canary.yaml', 'Canary alerts.', [recording, canary], 1, canaryTestGroups(config.runbookBaseUrl)),
    testFile('platform.yaml', 'Platform alerts.', [recording, platform], 1, platformTestGroups(config.runbookBaseUrl)),
  ];
}

export function renderTestFile(t: PromtoolTestFile): string {
  const { file: _f, title, ...doc } = t;
  return GENERATED_HEADER(`promtool unit tests: ${title}`) + stringifyYaml(doc);
}

export function runbookSections(config: SloConfig): RunbookSection[] {
  const texts: Record<string, Runbook> = { ...sloRunbooks(), ...canaryRunbooks(), ...platformRunbooks() };
  const seen = new Set<string>();
  const out: RunbookSection[] = [];
  for (const f of ruleFiles(config)) {
    for (const g of f.groups) {
      for (const r of g.rules) {
        if (!isAlert(r) || seen.has(r.alert)) continue;
        seen.add(r.alert);
        const runbook = texts[r.alert];
        if (!runbook) throw new Error(`alert ${r.alert} has no runbook text`);
        out.push({ alert: r.alert, severity: r.severity, persona: r.persona, file: f.file, summary: r.summary, runbook });
      }
    }
  }
  return out;
}

const fmtMin = (m: number | undefined): string => {
  if (m === undefined) return 'never';
  if (m < 120) return `${Number(m.toFixed(m < 10 ? 2 : 1))} min`;
  const total = Math.round(m);
  return `${Math.floor(total / 60)} h ${total % 60} min`;
};

/** The README's table: predicted and test-asserted detection times of the headline scenarios. */
export function detectionTable(config: SloConfig): string {
  const { scenarios, headlines } = buildScenarios(config);
  const all = [...scenarios.minute.map((s) => [s, 1] as const), ...scenarios.long.map((s) => [s, 5] as const)];
  const rows: string[] = [
    '| Scenario | Alert | Threshold (error ratio) | Workbook, raw windows | Model, 5m-averaged windows | Asserted by the tests: not firing at → firing at |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const h of headlines as Headline[]) {
    const entry = all.find(([s]) => s.name === h.scenario);
    if (!entry) throw new Error(`headline ${h.id} has no scenario`);
    const [s, evalMinutes] = entry;
    const sim = simulateScenario(config, s, evalMinutes).apis.find((a) => a.profile.api === h.api && a.profile.sli === h.sli)!;
    for (const tierName of h.tiers) {
      const tier = BURN_RATE_TIERS.find((t) => t.tier === tierName)!;
      const ff = sim.sim.firstFire[tier.tier];
      const after = ff === undefined ? undefined : ff / 60 - sim.incidentStartMinute;
      const asserted = after === undefined ? 'never fires (checked through the run)' : `${fmtMin(after - evalMinutes)} → ${fmtMin(after)}`;
      rows.push(
        `| ${h.scenario} | ${burnAlertName(h.sli, tier)} (${tier.factor}×, ${tier.longWindow} & ${tier.shortWindow}) | ${Number(burnThreshold(h.target.objective, tier).toPrecision(6))} | ` +
          `${fmtMin(workbookDetectionMinutes(h.share, h.target.objective, tier))} | ${fmtMin(modelDetectionMinutes(h.share, h.target.objective, tier))} | ${asserted} |`,
      );
    }
  }
  return rows.join('\n');
}

/** Which rules.ts export names each recorded series (constants by name, builders with their arguments). */
export function recordedSeriesTable(config: SloConfig): string {
  const exportOf = new Map<string, string>();
  for (const [k, v] of Object.entries(contract)) if (typeof v === 'string' && contract.RECORDED_SERIES.has(v)) exportOf.set(v, k);
  for (const w of contract.SLO_WINDOWS) {
    exportOf.set(contract.apiRequestRate(w), `apiRequestRate('${w}')`);
    exportOf.set(contract.apiErrorRate(w), `apiErrorRate('${w}')`);
    exportOf.set(contract.apiErrorRatio(w), `apiErrorRatio('${w}')`);
    exportOf.set(contract.sloErrorRatio(w), `sloErrorRatio('${w}')`);
  }
  for (const kind of contract.LATENCY_KINDS) {
    exportOf.set(contract.apiLatencyBucketRate(kind), `apiLatencyBucketRate('${kind}')`);
    exportOf.set(contract.apiLatencyCountRate(kind), `apiLatencyCountRate('${kind}')`);
    exportOf.set(contract.apiLatencySumRate(kind), `apiLatencySumRate('${kind}')`);
    for (const q of contract.LATENCY_QUANTILES) exportOf.set(contract.apiLatencyQuantile(q, kind), `apiLatencyQuantile(${q}, '${kind}')`);
  }
  const rows = ['| Recorded series | Labels | rules.ts export | Rule file / group |', '| --- | --- | --- | --- |'];
  const seen = new Set<string>();
  for (const f of ruleFiles(config)) {
    for (const g of f.groups) {
      for (const r of g.rules) {
        if (isAlert(r) || seen.has(r.record)) continue;
        seen.add(r.record);
        const labels = [...contract.recordedLabels(r.record)].join(', ');
        rows.push(`| \`${r.record}\` | ${labels} | \`${exportOf.get(r.record) ?? '?'}\` | ${f.file} / ${g.name} |`);
      }
    }
  }
  return rows.join('\n');
}

export interface ReadmeBlock {
  id: string;
  render(config: SloConfig): string;
}
export const README_BLOCKS: readonly ReadmeBlock[] = [
  { id: 'recorded series', render: recordedSeriesTable },
  { id: 'burn-rate detection table', render: detectionTable },
];
const begin = (id: string) => `<!-- BEGIN GENERATED: ${id} -->`;
const end = (id: string) => `<!-- END GENERATED: ${id} -->`;

/** Replaces the generated blocks of alerts/README.md; the rest of the README is written by hand. */
export function renderReadmeBlocks(config: SloConfig, readme: string): string {
  let out = readme;
  for (const block of README_BLOCKS) {
    const b = out.indexOf(begin(block.id));
    const e = out.indexOf(end(block.id));
    if (b < 0 || e < b) throw new Error(`alerts/README.md must contain the markers ${begin(block.id)} and ${end(block.id)}`);
    out = `${out.slice(0, b + begin(block.id).length)}\n${block.render(config)}\n${out.slice(e)}`;
  }
  return out;
}

/** Every generated file: path relative to alerts/ → content. */
export function generateAll(dir = ALERTS_DIR): Map<string, string> {
  const config = loadSloConfig(dir);
  const out = new Map<string, string>();
  for (const f of ruleFiles(config)) out.set(`rules/${f.file}`, renderRuleFile(f, config.runbookBaseUrl));
  for (const t of testFiles(config)) out.set(`tests/${t.file}`, renderTestFile(t));
  out.set('RUNBOOK.md', renderRunbook(runbookSections(config), RUNBOOK_INTRO));
  out.set(DOCKER_ALERTMANAGER_FILE, renderDockerAlertmanager(config));
  const readmePath = path.join(dir, 'README.md');
  if (existsSync(readmePath)) out.set('README.md', renderReadmeBlocks(config, readFileSync(readmePath, 'utf8')));
  return out;
}

const RUNBOOK_INTRO = [
  'One section per alert of `alerts/rules/`. Every alert links here through its `runbook_url` annotation',
  '(`runbook_base_url` in `alerts/slo.yaml` plus `#<alert name in lower case>`). Queries below use `<api>` as a placeholder.',
  '',
  'Severity: **page** wakes someone up, **ticket** is handled in working hours, **info** is for dashboards.',
  'Persona: **platform** (the team running gateways, collector and Prometheus), **product** (API product owners), **developer** (the API\'s team).',
].join('\n');
