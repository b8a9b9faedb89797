/**
 * The Canary page's in-browser verdict against the CLI, on the recorded data of the real test rig:
 * - the page's decision and whole-window verdict equal `canary-gate evaluate --json` run by the fixture
 *   recorder on the same Prometheus at the same instant (default gate);
 * - the samples the page judged, written to a samples.json, give the same verdict and interval decision
 *   through `canary-gate judge --json` (the CLI run as a child process, default gate).
 */
import React from 'react';
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { render, screen, act } from '@testing-library/react';
import { CustomVariable, EmbeddedScene, SceneTimeRange, SceneVariableSet } from '@grafana/scenes';
import { DEFAULT_GATE_CONFIG, type Evaluation } from '@api-observatory/canary-judge/browser';
import { CanaryVerdictScene } from './scenes/CanaryVerdictScene';
import { DEFAULT_SETTINGS, type AppSettings } from './settings';
import { canaryFixture, type RecordedCanary } from './test/fixtures';
import { installGrafanaMocks, setMode } from './test/mocks';

beforeAll(() => installGrafanaMocks());
afterEach(() => setMode('fixtures'));

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'packages', 'canary-judge', 'src', 'cli.ts');

function verdictScene(c: Pick<RecordedCanary, 'api' | 'end'>, settings: AppSettings = DEFAULT_SETTINGS) {
  const verdict = new CanaryVerdictScene({ settings });
  const scene = new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: new Date(c.end - 3600_000).toISOString(), to: new Date(c.end).toISOString() }),
    $variables: new SceneVariableSet({ variables: [new CustomVariable({ name: 'api', query: c.api, value: c.api, text: c.api })] }),
    body: verdict,
  });
  return { scene, verdict };
}

async function evaluateOnPage(c: RecordedCanary, settings?: AppSettings): Promise<Evaluation> {
  const { scene, verdict } = verdictScene(c, settings);
  await act(async () => {
    render(<scene.Component model={scene} />);
  });
  const status = await new Promise<CanaryVerdictScene['state']['status']>((resolve) => {
    const check = () => {
      const s = verdict.state.status;
      if (s.kind !== 'idle' && s.kind !== 'loading') {
        resolve(s);
      }
    };
    verdict.subscribeToState(check);
    check();
  });
  if (status.kind !== 'done') {
    throw new Error(`verdict not computed: ${JSON.stringify(status)}`);
  }
  return status.evaluation;
}

function judgeCli(doc: unknown): { code: number; out: { decision: string; verdict?: Evaluation['verdict']; judgement?: Evaluation['judgement'] } } {
  const dir = mkdtempSync(path.join(tmpdir(), 'apiobs-judge-'));
  const file = path.join(dir, 'samples.json');
  writeFileSync(file, JSON.stringify(doc));
  try {
    const out = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'judge', '--input', file, '--json'], { cwd: REPO, encoding: 'utf8' });
    return { code: 0, out: JSON.parse(out) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: JSON.parse(err.stdout) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const nums = (xs: ReadonlyArray<number | null>) => xs.map((x) => (x === null || Number.isNaN(x) ? null : x));

describe.each(canaryFixture.canaries.map((c) => [c.api, c] as const))('canary %s', (_api, c) => {
  it('the page judges the same as canary-gate evaluate on the same Prometheus data', async () => {
    const e = await evaluateOnPage(c);
    const cli = c.cli.report;
    expect(e.decision).toBe(cli.decision);
    expect(e.verdict.decision).toBe(cli.verdict.decision);
    expect(e.verdict.score).toBeCloseTo(cli.verdict.score, 9);
    expect(e.verdict.metrics.map((m) => [m.metric, m.result, m.failed])).toEqual(cli.verdict.metrics.map((m) => [m.metric, m.result, m.failed]));
    expect(e.judgement.reasons).toEqual(cli.judgement.reasons);
    expect(screen.getByTestId('canary-decision')).toHaveTextContent(`decision: ${cli.decision}`);
    for (const m of e.verdict.metrics) {
      expect(screen.getByTestId(`canary-metric-${m.metric}`)).toHaveTextContent(m.reasons[0] ?? m.metric);
    }
  });

  it('canary-gate judge on the samples the page judged gives the page’s verdict and decision', async () => {
    const e = await evaluateOnPage(c);
    const metrics = Object.fromEntries(Object.entries(e.samples).map(([k, s]) => [k, { baseline: nums(s!.baseline), canary: nums(s!.canary) }]));
    const context = { api: c.api, canaryVersion: c.canaryVersion, baselineVersion: c.baselineVersion };
    const single = judgeCli({ schemaVersion: 1, ...context, metrics });
    expect(single.out.verdict!.decision).toBe(e.verdict.decision);
    expect(single.out.verdict!.score).toBeCloseTo(e.verdict.score, 9);
    expect(single.out.verdict!.metrics.map((m) => [m.metric, m.result, m.failed, m.reasons])).toEqual(e.verdict.metrics.map((m) => [m.metric, m.result, m.failed, m.reasons]));
    // The page's repeated evaluation as the CLI's interval form: interval k holds the samples up to k.
    const first = Math.max(...DEFAULT_GATE_CONFIG.metrics.map((m) => m.minSamples)) - 1;
    const evaluated = e.judgement.intervals.length;
    const intervals = Array.from({ length: evaluated }, (_, i) => ({
      label: e.judgement.intervals[i]!.label,
      metrics: Object.fromEntries(Object.entries(metrics).map(([k, s]) => [k, { baseline: s.baseline.slice(0, first + i + 1), canary: s.canary.slice(0, first + i + 1) }])),
    }));
    const replay = judgeCli({ schemaVersion: 1, ...context, intervals });
    expect(replay.out.decision).toBe(e.decision);
    expect(replay.out.judgement!.reasons).toEqual(e.judgement.reasons);
    expect(replay.code).toBe({ promote: 0, rollback: 1, continue: 2 }[e.decision]);
  });
});

it('the recorded rig has one canary the judge keeps and one it rolls back', () => {
  const decisions = Object.fromEntries(canaryFixture.canaries.map((c) => [c.api, c.cli.report.decision]));
  expect(decisions.checkout).toBe('rollback');
  expect(decisions.orders).not.toBe('rollback');
});

it('an invalid inline gate config is reported with the field, before any query', async () => {
  const c = canaryFixture.canaries[0]!;
  const { scene } = verdictScene(c, { ...DEFAULT_SETTINGS, gateSource: 'inline', gateConfig: 'metrics:\n  - name: error_ratio\n    direction: upward\n' });
  await act(async () => {
    render(<scene.Component model={scene} />);
  });
  expect(await screen.findByText(/The gate config is invalid/)).toBeInTheDocument();
  expect(screen.getByText(/metrics\[0\]\.direction/)).toBeInTheDocument();
});

it('a datasource error is shown instead of a verdict', async () => {
  setMode('error');
  const c = canaryFixture.canaries[0]!;
  const { scene } = verdictScene(c);
  await act(async () => {
    render(<scene.Component model={scene} />);
  });
  expect(await screen.findByText(/Could not fetch the canary's samples/)).toBeInTheDocument();
});

it('no canary traffic is said, not judged', async () => {
  setMode('empty');
  const c = canaryFixture.canaries[0]!;
  const { scene } = verdictScene(c);
  await act(async () => {
    render(<scene.Component model={scene} />);
  });
  expect(await screen.findByText(/No canary traffic/)).toBeInTheDocument();
});
