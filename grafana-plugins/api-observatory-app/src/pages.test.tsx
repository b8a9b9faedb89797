/**
 * Scene objects and RTL rendering of every page, fed with the recorded Prometheus responses (see
 * scripts/record-fixtures.ts), with no data, and with a datasource error.
 */
import React from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import { sceneGraph, sceneUtils, SceneQueryRunner, type EmbeddedScene, type SceneObject } from '@grafana/scenes';
import { PAGES, type PageId } from './constants';
import { pagePanels } from './panels';
import { pageScene } from './scenes/pages';
import { DEFAULT_SETTINGS } from './settings';
import { fixture } from './test/fixtures';
import { DATASOURCE_ERROR, installGrafanaMocks, setMode } from './test/mocks';

beforeAll(() => installGrafanaMocks());
afterEach(() => setMode('fixtures'));

const settings = { ...DEFAULT_SETTINGS, backstageUrl: 'https://backstage.example.com' };
const PAGE_IDS = Object.values(PAGES) as PageId[];

function runners(scene: SceneObject): SceneQueryRunner[] {
  return sceneGraph.findAllObjects(scene, (o) => o instanceof SceneQueryRunner) as SceneQueryRunner[];
}

async function renderPage(id: PageId): Promise<EmbeddedScene> {
  const scene = pageScene(id, settings);
  await act(async () => {
    render(<scene.Component model={scene} />);
  });
  return scene;
}

describe('page scenes', () => {
  it.each(PAGE_IDS)('%s: one query runner per panel, queries exactly the panel specs, URL-synced variables and time range', (id) => {
    const scene = pageScene(id, settings);
    const specs = pagePanels()[id];
    const exprs = runners(scene).flatMap((r) => r.state.queries.map((q) => (q as { expr?: string; query?: string }).expr ?? (q as { query?: string }).query));
    expect(exprs).toEqual(specs.flatMap((s) => s.targets.map((t) => t.expr)));
    const keys = sceneGraph.getVariables(scene).state.variables.flatMap((v) => v.urlSync?.getKeys() ?? []);
    const expected: Record<PageId, string[]> = {
      overview: ['var-api'],
      platform: ['var-gateway'],
      product: ['var-plan', 'var-tenant', 'var-consumer', 'var-api'],
      developer: ['var-gateway', 'var-api', 'var-route', 'var-consumer', 'var-trace_id'],
      canary: ['var-api', 'var-version'],
    };
    expect(keys).toEqual(expected[id]);
    expect(sceneGraph.getTimeRange(scene).urlSync?.getKeys()).toEqual(expect.arrayContaining(['from', 'to']));
  });

  it('every Prometheus target of every page was recorded from the real Prometheus and accepted by it', () => {
    for (const specs of Object.values(pagePanels())) {
      for (const s of specs) {
        if (s.datasource !== 'prometheus') {
          continue;
        }
        for (const t of s.targets) {
          const rec = fixture.queries[`${s.key}/${t.refId}`];
          expect({ key: `${s.key}/${t.refId}`, expr: rec?.expr, status: rec?.response.status }).toEqual({ key: `${s.key}/${t.refId}`, expr: t.expr, status: 'success' });
        }
      }
    }
  });

  it('URL state round-trips: var-api and the time range restore into a new page scene', () => {
    const scene = pageScene('developer', settings);
    sceneUtils.syncStateFromSearchParams(scene, new URLSearchParams('var-api=orders&from=now-30m&to=now'));
    expect(sceneGraph.getVariables(scene).getByName('api')?.getValue()).toEqual(['orders']);
    expect(sceneGraph.getTimeRange(scene).state.from).toBe('now-30m');
  });
});

// TODO: VizPanels do not mount their panel body under jsdom yet (sizing: the panels render 0×0, so
// neither titles nor the fixture panel body appear). Skipped until fixed; the scene-level tests above
// and canary.test.tsx (which renders the verdict with RTL) run.
describe.each(PAGE_IDS)('%s page (RTL)', (id) => {
  const specs = pagePanels()[id];
  const promSpecs = specs.filter((s) => s.datasource === 'prometheus');

  it('renders every panel with the recorded data', async () => {
    await renderPage(id);
    for (const s of specs) {
      expect(await screen.findByText(s.title)).toBeInTheDocument();
    }
    // Panels whose recorded response has series show rows; empty recorded responses show "No data".
    for (const s of promSpecs) {
      const series = s.targets.reduce((n, t) => {
        const r = fixture.queries[`${s.key}/${t.refId}`]!.response.data!.result as unknown[];
        return n + r.length;
      }, 0);
      const body = await screen.findByTestId(`panel-body ${s.title}`);
      await waitFor(() => expect(body.textContent).toMatch(series > 0 ? /frames, \d+ rows/ : /No data/));
    }
  });

  it('shows "No data" in every panel when Prometheus returns nothing', async () => {
    setMode('empty');
    await renderPage(id);
    for (const s of specs) {
      const body = await screen.findByTestId(`panel-body ${s.title}`);
      expect(body).toHaveTextContent('No data');
    }
  });

  it('surfaces a datasource error on the panels', async () => {
    setMode('error');
    const scene = await renderPage(id);
    await waitFor(() => {
      for (const r of runners(scene)) {
        expect(r.state.data?.errors?.[0]?.message).toBe(DATASOURCE_ERROR);
      }
    });
    expect((await screen.findAllByTestId(/Panel status error/i)).length).toBeGreaterThan(0);
  });
});
