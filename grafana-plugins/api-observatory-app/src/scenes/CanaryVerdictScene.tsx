import React from 'react';
import { LoadingState, dateTime, type DataFrame } from '@grafana/data';
import {
  SceneObjectBase,
  SceneQueryRunner,
  SceneTimeRange,
  VariableDependencyConfig,
  sceneGraph,
  type SceneComponentProps,
  type SceneDataQuery,
  type SceneObjectState,
} from '@grafana/scenes';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { describeDiscovery, discoveryQuery, type Evaluation } from '@api-observatory/canary-judge/browser';
import { VAR } from '../constants';
import { resolveGate, resolveWindow, type GateProblem } from '../lib/gate';
import { cliCommand, discoverFromFrames, evaluateFrames, plannedQueries, type CanaryTarget, type CanaryWindow } from '../lib/canaryEval';
import type { AppSettings } from '../settings';
import { VerdictView } from '../components/Verdict/VerdictView';
import { datasources } from './panels';

export type VerdictStatus =
  | { kind: 'idle' }
  | { kind: 'loading'; step: 'discover' | 'samples' }
  | { kind: 'select'; message: string }
  | { kind: 'no-canary'; api: string }
  | { kind: 'no-baseline'; message: string }
  | { kind: 'config-error'; problems: GateProblem[] }
  | { kind: 'error'; message: string }
  | { kind: 'done'; target: CanaryTarget; window: CanaryWindow; evaluation: Evaluation; command: string; gateSource: 'default' | 'inline' };

export interface CanaryVerdictState extends SceneObjectState {
  settings: AppSettings;
  status: VerdictStatus;
}

const DISCOVER_REF = 'discover';

/**
 * The judge's verdict for the canary selected by the `api` (and optionally `version`) variables,
 * computed in the browser with the canary-judge library on the series fetched through Grafana:
 * 1. discovery: canary-gate's discovery query (request rates by version and role over the lookback)
 *    and its pickCanary → canary and baseline versions;
 * 2. samples: the gate's planned range queries at step = interval over the aligned window;
 * 3. `evaluate` (the CLI's code path) on those frames.
 */
export class CanaryVerdictScene extends SceneObjectBase<CanaryVerdictState> {
  static Component = CanaryVerdictRenderer;
  private window: CanaryWindow | null = null;
  private runId = 0;

  protected _variableDependency = new VariableDependencyConfig(this, {
    variableNames: [VAR.api, VAR.version],
    onReferencedVariableValueChanged: () => this.start(),
  });

  constructor(state: Pick<CanaryVerdictState, 'settings'> & Partial<CanaryVerdictState>) {
    super({ status: { kind: 'idle' }, ...state });
    this.addActivationHandler(() => this.onActivate());
  }

  private onActivate() {
    const sub = sceneGraph.getTimeRange(this).subscribeToState(() => this.start());
    this.start();
    return () => {
      sub.unsubscribe();
      this.runId++;
    };
  }

  private variable(name: string): string {
    const v = sceneGraph.interpolate(this, `\${${name}}`);
    return v === `\${${name}}` || v === '$__all' || v === '.*' ? '' : v;
  }

  /** (Re)starts the evaluation for the current variables and time range. */
  start() {
    const gate = resolveGate(this.state.settings);
    if (!gate.ok) {
      return this.setState({ status: { kind: 'config-error', problems: gate.problems } });
    }
    const win = resolveWindow(gate.config, this.state.settings.canaryInterval, this.state.settings.canaryLookback);
    if (!win.ok) {
      return this.setState({ status: { kind: 'config-error', problems: win.problems.map((message) => ({ path: 'canaryInterval / canaryLookback', message })) } });
    }
    const api = this.variable(VAR.api);
    if (!api) {
      return this.setState({ status: { kind: 'select', message: 'Select one API with a canary to judge it.' } });
    }
    const to = sceneGraph.getTimeRange(this).state.value.to.valueOf();
    this.window = { ...win.window, end: new Date(to) };
    const runId = ++this.runId;
    this.setState({ status: { kind: 'loading', step: 'discover' } });
    const query: SceneDataQuery = {
      refId: DISCOVER_REF,
      expr: discoveryQuery(api, win.window.lookbackMs),
      instant: true,
      range: false,
    };
    this.run([query], runId, (frames) => this.onDiscovered(api, frames, runId));
  }

  private run(queries: SceneDataQuery[], runId: number, done: (frames: Map<string, DataFrame[]>) => void) {
    const w = this.window!;
    const intervalMs = w.intervalMs;
    const end = Math.floor(w.end.getTime() / intervalMs) * intervalMs;
    const start = end - Math.floor(w.lookbackMs / intervalMs) * intervalMs;
    const ds = datasources(this.state.settings).prometheus;
    const runner = new SceneQueryRunner({
      datasource: ds,
      queries: queries.map((q) => ({ ...q, datasource: ds })),
      // step = the interval: the minimum interval, and enough points that Grafana does not widen it.
      minInterval: `${intervalMs / 1000}s`,
      maxDataPoints: Math.ceil((end - start) / intervalMs) + 10,
      $timeRange: new SceneTimeRange({ from: dateTime(start).toISOString(), to: dateTime(end).toISOString() }),
    });
    const sub = runner.subscribeToState((s) => {
      if (runId !== this.runId) {
        return sub.unsubscribe();
      }
      const data = s.data;
      if (!data || data.state === LoadingState.Loading || data.state === LoadingState.NotStarted) {
        return;
      }
      sub.unsubscribe();
      deactivate();
      if (data.state === LoadingState.Error || data.errors?.length) {
        const message = data.errors?.map((e) => e.message).filter(Boolean).join('; ') || 'the Prometheus datasource answered with an error';
        this.setState({ status: { kind: 'error', message } });
        return;
      }
      const byRef = new Map<string, DataFrame[]>();
      for (const f of data.series) {
        const ref = f.refId ?? '';
        byRef.set(ref, [...(byRef.get(ref) ?? []), f]);
      }
      done(byRef);
    });
    const deactivate = runner.activate();
    runner.runQueries();
  }

  private onDiscovered(api: string, byRef: Map<string, DataFrame[]>, runId: number) {
    const found = discoverFromFrames(api, byRef.get(DISCOVER_REF) ?? [], this.window!.lookbackMs, this.variable(VAR.version) || undefined);
    if (found.kind === 'no-canary') {
      return this.setState({ status: { kind: 'no-canary', api } });
    }
    if (found.kind === 'no-baseline') {
      return this.setState({ status: { kind: 'no-baseline', message: describeDiscovery(found) } });
    }
    const gate = resolveGate(this.state.settings);
    if (!gate.ok) {
      return;
    }
    const target: CanaryTarget = { api, canaryVersion: found.canaryVersion, baselineVersion: found.baselineVersion };
    this.setState({ status: { kind: 'loading', step: 'samples' } });
    const planned = plannedQueries(target, gate.config, this.window!);
    const queries = planned.map((p, i) => ({ refId: `S${i}`, expr: p.promql, range: true, instant: false, interval: `${this.window!.intervalMs / 1000}s` }));
    this.run(queries, runId, async (frames) => {
      const byPromql = new Map(planned.map((p, i) => [p.promql, frames.get(`S${i}`) ?? []]));
      try {
        const evaluation = await evaluateFrames(target, gate.config, this.window!, byPromql);
        if (runId !== this.runId) {
          return;
        }
        this.setState({
          status: { kind: 'done', target, window: this.window!, evaluation, command: cliCommand(target, this.window!, gate.source), gateSource: gate.source },
        });
      } catch (e) {
        this.setState({ status: { kind: 'error', message: (e as Error).message } });
      }
    });
  }
}

function CanaryVerdictRenderer({ model }: SceneComponentProps<CanaryVerdictScene>) {
  const { status } = model.useState();
  switch (status.kind) {
    case 'idle':
    case 'loading':
      return <LoadingPlaceholder text={status.kind === 'loading' && status.step === 'samples' ? 'Judging the canary…' : 'Looking for canary traffic…'} />;
    case 'select':
      return <Alert severity="info" title="No canary selected">{status.message}</Alert>;
    case 'no-canary':
      return (
        <Alert severity="info" title="No canary traffic">
          {`No canary and baseline traffic for API "${status.api}" in the evaluation window: nothing to judge.`}
        </Alert>
      );
    case 'no-baseline':
      return (
        <Alert severity="info" title="No baseline">
          {`${status.message}: nothing to judge.`}
        </Alert>
      );
    case 'config-error':
      return (
        <Alert severity="error" title="The gate config is invalid">
          <ul>
            {status.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </Alert>
      );
    case 'error':
      return (
        <Alert severity="error" title="Could not fetch the canary's samples">
          {status.message}
        </Alert>
      );
    case 'done':
      return <VerdictView target={status.target} evaluation={status.evaluation} command={status.command} gateSource={status.gateSource} />;
  }
}
