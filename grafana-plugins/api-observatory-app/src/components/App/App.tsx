import React, { createContext } from 'react';
import type { AppRootProps } from '@grafana/data';
import { SceneApp, useSceneApp } from '@grafana/scenes';
import { appPages } from '../../scenes/pages';
import { resolveSettings, type AppJsonData, type AppSettings } from '../../settings';

export const PluginPropsContext = createContext<AppRootProps<AppJsonData> | null>(null);

/** One SceneApp factory per settings (useSceneApp caches by factory: URL sync and state survive navigation). */
const factories = new Map<string, () => SceneApp>();
export function sceneAppFactory(settings: AppSettings): () => SceneApp {
  const key = JSON.stringify(settings);
  let f = factories.get(key);
  if (!f) {
    f = () =>
      new SceneApp({
        pages: appPages(settings),
        urlSyncOptions: { updateUrlOnInit: true, createBrowserHistorySteps: true },
      });
    factories.set(key, f);
  }
  return f;
}

function AppScenes({ settings }: { settings: AppSettings }) {
  const scene = useSceneApp(sceneAppFactory(settings));
  return <scene.Component model={scene} />;
}

function App(props: AppRootProps<AppJsonData>) {
  const settings = resolveSettings(props.meta.jsonData);
  return (
    <PluginPropsContext.Provider value={props}>
      <AppScenes settings={settings} />
    </PluginPropsContext.Provider>
  );
}

export default App;
