/**
 * RTL test of the app configuration page: saving POSTs the settings as jsonData to Grafana's plugin
 * settings API, and an invalid inline gate config names each problem by field and blocks saving.
 */
import React from 'react';
import { of } from 'rxjs';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PluginType, type AppPluginMeta, type PluginConfigPageProps } from '@grafana/data';
import { locationService, setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import type { AppJsonData } from '../../settings';
import { testIds } from '../testIds';
import AppConfig from './AppConfig';

const requests: BackendSrvRequest[] = [];
let failWith: string | null = null;

beforeAll(() => {
  setBackendSrv({
    fetch: (options: BackendSrvRequest) => {
      requests.push(options);
      if (failWith) {
        throw Object.assign(new Error(failWith), { data: { message: failWith } });
      }
      return of({ data: { message: 'Plugin settings updated' }, status: 200, ok: true });
    },
  } as unknown as BackendSrv);
});

let reload: jest.SpyInstance;
beforeEach(() => {
  requests.length = 0;
  failWith = null;
  reload = jest.spyOn(locationService, 'reload').mockImplementation(() => {});
});
afterEach(() => reload.mockRestore());

function props(jsonData: AppJsonData): PluginConfigPageProps<AppPluginMeta<AppJsonData>> {
  const meta = {
    id: 'api-observatory-app',
    name: 'API Observatory',
    type: PluginType.app,
    module: '',
    baseUrl: '',
    enabled: true,
    pinned: true,
    jsonData,
    info: { author: { name: '' }, description: '', links: [], logos: { large: '', small: '' }, screenshots: [], updated: '', version: '' },
  } as AppPluginMeta<AppJsonData>;
  return { plugin: { meta } as PluginConfigPageProps<AppPluginMeta<AppJsonData>>['plugin'], query: {} as never };
}

async function replace(testId: string, text: string) {
  const input = screen.getByTestId(testId);
  await userEvent.clear(input);
  if (text) {
    // userEvent.type treats `{` and `[` as key descriptors: paste the text instead.
    input.focus();
    await userEvent.paste(text);
  }
}

describe('app configuration page', () => {
  it('saves the settings as the plugin jsonData through the plugin settings API, then reloads', async () => {
    render(<AppConfig {...props({ prometheusUid: 'prom-main' })} />);
    expect(screen.getByTestId(testIds.appConfig.prometheusUid)).toHaveValue('prom-main');
    expect(screen.getByTestId(testIds.appConfig.lokiUid)).toHaveValue('loki');

    await replace(testIds.appConfig.tempoUid, 'tempo-eu');
    await replace(testIds.appConfig.backstageUrl, 'https://backstage.example.com');
    await replace(testIds.appConfig.canaryInterval, '30s');
    await replace(testIds.appConfig.canaryLookback, '15m');
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));

    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: '/api/plugins/api-observatory-app/settings', method: 'POST' });
    expect(requests[0]!.data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: {
        prometheusUid: 'prom-main',
        lokiUid: 'loki',
        tempoUid: 'tempo-eu',
        backstageUrl: 'https://backstage.example.com',
        gateSource: 'default',
        gateConfig: '',
        canaryInterval: '30s',
        canaryLookback: '15m',
      },
    });
  });

  it('saves a valid inline gate config (YAML) in jsonData', async () => {
    const yaml = ['name: inline', 'metrics:', '  - name: errors', '    query: errorRatio', '    direction: increase', '    critical: true', '    guard: { max: 0.05 }', ''].join('\n');
    render(<AppConfig {...props({})} />);
    await userEvent.click(screen.getByLabelText('Inline YAML / JSON'));
    await replace(testIds.appConfig.gateConfig, yaml);
    expect(screen.queryByTestId(testIds.appConfig.gateErrors)).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));

    await waitFor(() => expect(requests).toHaveLength(1));
    expect((requests[0]!.data as { jsonData: AppJsonData }).jsonData).toMatchObject({ gateSource: 'inline', gateConfig: yaml });
  });

  it('names every problem of an invalid inline gate config by field, and cannot be saved', async () => {
    render(<AppConfig {...props({})} />);
    await userEvent.click(screen.getByLabelText('Inline YAML / JSON'));
    await replace(
      testIds.appConfig.gateConfig,
      JSON.stringify({ metrics: [{ name: 'errors', query: 'errorRatio', direction: 'sideways', tolerance: { relative: -1 } }] }),
    );

    const errors = await screen.findByTestId(testIds.appConfig.gateErrors);
    expect(errors).toHaveTextContent(/metrics\[0\]\.direction must be one of "increase", "decrease"/);
    expect(errors).toHaveTextContent(/metrics\[0\]\.tolerance\.relative/);
    expect(screen.getByText(/2 problem\(s\), see below/)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeDisabled();
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));
    expect(requests).toHaveLength(0);
  });

  it('shows the evaluation window problems like canary-gate evaluate, and a failed save', async () => {
    render(<AppConfig {...props({})} />);
    await replace(testIds.appConfig.canaryInterval, 'often');
    expect(await screen.findByTestId(testIds.appConfig.windowErrors)).toHaveTextContent('interval must be a duration such as 30s, 1m or 1h30m, got "often"');
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeDisabled();

    await replace(testIds.appConfig.canaryInterval, '1m');
    failWith = 'Permission denied';
    await userEvent.click(screen.getByTestId(testIds.appConfig.submit));
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    expect(reload).not.toHaveBeenCalled();
  });
});
