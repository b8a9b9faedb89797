import React, { useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, RadioButtonGroup, TextArea } from '@grafana/ui';
import { validateGateText, resolveWindow, resolveGate } from '../../lib/gate';
import { resolveSettings, type AppJsonData, type GateSource } from '../../settings';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppJsonData>> {}

const GATE_OPTIONS: Array<{ label: string; value: GateSource; description: string }> = [
  { label: 'Default gate', value: 'default', description: 'The canary judge’s built-in default gate (what canary-gate uses without --config).' },
  { label: 'Inline YAML / JSON', value: 'inline', description: 'A gate config in the canary-gate --config format, validated here with the judge’s validator.' },
];

function urlProblem(url: string): string | null {
  if (!url) {
    return null;
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return 'The Backstage URL must be http(s).';
    }
    if (u.search || u.hash) {
      return 'The Backstage URL must not carry a query or fragment.';
    }
    return null;
  } catch {
    return 'The Backstage URL must be an absolute URL, e.g. https://backstage.example.com.';
  }
}

/** The app's configuration page: datasources, Backstage URL and the Canary page's gate config, saved in jsonData. */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const { enabled, pinned, jsonData } = plugin.meta;
  const initial = resolveSettings(jsonData);
  const [state, setState] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  const gateCheck = useMemo(() => (state.gateSource === 'inline' ? validateGateText(state.gateConfig) : resolveGate(state)), [state]);
  const windowCheck = useMemo(() => (gateCheck.ok ? resolveWindow(gateCheck.config, state.canaryInterval, state.canaryLookback) : null), [gateCheck, state.canaryInterval, state.canaryLookback]);
  const backstageProblem = urlProblem(state.backstageUrl);
  const invalid = !gateCheck.ok || (windowCheck !== null && !windowCheck.ok) || backstageProblem !== null || !state.prometheusUid;

  const text = (key: 'prometheusUid' | 'lokiUid' | 'tempoUid' | 'backstageUrl' | 'canaryInterval' | 'canaryLookback') => (e: ChangeEvent<HTMLInputElement>) =>
    setState({ ...state, [key]: e.target.value.trim() });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (invalid) {
      return;
    }
    const data: AppJsonData = {
      prometheusUid: state.prometheusUid,
      lokiUid: state.lokiUid,
      tempoUid: state.tempoUid,
      backstageUrl: state.backstageUrl,
      gateSource: state.gateSource,
      gateConfig: state.gateSource === 'inline' ? state.gateConfig : '',
      canaryInterval: state.canaryInterval,
      canaryLookback: state.canaryLookback,
    };
    setSaving(true);
    setSaveError(null);
    try {
      await updatePlugin(plugin.meta.id, { enabled, pinned, jsonData: data });
      locationService.reload();
    } catch (err) {
      setSaveError((err as { data?: { message?: string } }).data?.message ?? (err as Error).message ?? 'saving failed');
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.appConfig.form}>
      <FieldSet label="Datasources">
        <Field label="Prometheus datasource uid" description="Holds the telemetry contract's series and the pack's recording rules." required invalid={!state.prometheusUid} error="Required">
          <Input id="prometheus-uid" width={40} value={state.prometheusUid} onChange={text('prometheusUid')} data-testid={testIds.appConfig.prometheusUid} />
        </Field>
        <Field label="Loki datasource uid" description="The collector's OTLP logs (Developer page: logs by trace id).">
          <Input id="loki-uid" width={40} value={state.lokiUid} onChange={text('lokiUid')} data-testid={testIds.appConfig.lokiUid} />
        </Field>
        <Field label="Tempo datasource uid" description="The collector's traces (Developer page: traces, exemplar links).">
          <Input id="tempo-uid" width={40} value={state.tempoUid} onChange={text('tempoUid')} data-testid={testIds.appConfig.tempoUid} />
        </Field>
      </FieldSet>
      <FieldSet label="Backstage">
        <Field label="Backstage base URL" description="For the “API in Backstage” links, e.g. https://backstage.example.com." invalid={backstageProblem !== null} error={backstageProblem}>
          <Input id="backstage-url" width={60} value={state.backstageUrl} placeholder="https://backstage.example.com" onChange={text('backstageUrl')} data-testid={testIds.appConfig.backstageUrl} />
        </Field>
      </FieldSet>
      <FieldSet label="Canary gate">
        <Field label="Gate config source">
          <RadioButtonGroup options={GATE_OPTIONS} value={state.gateSource} onChange={(gateSource) => setState({ ...state, gateSource })} />
        </Field>
        {state.gateSource === 'inline' && (
          <Field
            label="Gate config (YAML or JSON)"
            description="The canary-gate --config format: thresholds, defaults, intervals, metrics with named queries."
            invalid={!gateCheck.ok}
            error={!gateCheck.ok ? `${gateCheck.problems.length} problem(s), see below` : undefined}
          >
            <TextArea
              id="gate-config"
              rows={14}
              value={state.gateConfig}
              onChange={(e) => setState({ ...state, gateConfig: e.currentTarget.value })}
              data-testid={testIds.appConfig.gateConfig}
            />
          </Field>
        )}
        {!gateCheck.ok && (
          <Alert severity="error" title="The gate config is invalid" data-testid={testIds.appConfig.gateErrors}>
            <ul>
              {gateCheck.problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          </Alert>
        )}
        <Field label="Evaluation interval" description="Query step and rate window of each sample (canary-gate evaluate --interval).">
          <Input id="canary-interval" width={12} value={state.canaryInterval} onChange={text('canaryInterval')} data-testid={testIds.appConfig.canaryInterval} />
        </Field>
        <Field label="Evaluation lookback" description="How far back the samples reach (canary-gate evaluate --lookback).">
          <Input id="canary-lookback" width={12} value={state.canaryLookback} onChange={text('canaryLookback')} data-testid={testIds.appConfig.canaryLookback} />
        </Field>
        {windowCheck && !windowCheck.ok && (
          <Alert severity="error" title="The evaluation window is invalid" data-testid={testIds.appConfig.windowErrors}>
            <ul>
              {windowCheck.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          </Alert>
        )}
      </FieldSet>
      {saveError && (
        <Alert severity="error" title="Saving failed">
          {saveError}
        </Alert>
      )}
      <Button type="submit" disabled={invalid || saving} data-testid={testIds.appConfig.submit}>
        Save settings
      </Button>
    </form>
  );
};

export default AppConfig;

/** Grafana's plugin settings API: stores jsonData for the app. */
export async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppJsonData>>) {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return (await lastValueFrom(response)).data;
}
