import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { RunningKeycloak } from './keycloak';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { repoRoot } from './paths';

export interface RunningBackstage {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Backstage dev app production-style on one loopback port: the real backend (SQLite in
 * memory) serving the built frontend. `configFiles` are loaded after the app's own (see
 * backstage-plugins/README.md). Workspace packages load from their TypeScript sources, as the rest of the
 * sandbox does, so the backend never runs a stale build of them.
 */
export async function startBackstage(o: { port: number; logDir: string; configFiles?: string[]; env?: NodeJS.ProcessEnv }): Promise<RunningBackstage> {
  const url = `http://127.0.0.1:${o.port}`;
  const proc = await startProcess({
    name: 'backstage',
    command: 'bash',
    args: [path.join(repoRoot(), 'backstage-plugins', 'scripts', 'serve.sh'), ...(o.configFiles ?? []).flatMap((f) => ['--config', f])],
    env: {
      BACKSTAGE_BACKEND_PORT: String(o.port),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=source`.trim(),
      NODE_TEST_CONTEXT: undefined,
      ...o.env,
    },
    logDir: o.logDir,
    ready: httpOk(`${url}/.backstage/health/v1/readiness`),
    // The backend compiles the workspace sources at start; a busy machine needs minutes.
    readyTimeoutMs: 240_000,
  });
  return { url, process: proc, stop: () => proc.stop() };
}

/** The employees' realm of the pack's realm files, whose clients `backstage` and `backstage-catalog` Backstage uses. */
export const BACKSTAGE_KEYCLOAK_REALM = 'internal';

/**
 * Sign-in through `kc` and users and groups from it: the dev app's overlay
 * (backstage-plugins/app-config.keycloak.yaml) and the environment it reads, with the client secrets
 * Keycloak was started with and a session secret generated here. Keycloak must have been started with
 * BACKSTAGE_PUBLIC_URL set to Backstage's URL (the `backstage` client's redirect URI).
 */
export function backstageKeycloakConfig(kc: RunningKeycloak, o: { refreshSeconds?: number } = {}): { configFile: string; env: Record<string, string> } {
  const secret = (name: string) => {
    const v = kc.realmEnv[name];
    if (!v) throw new Error(`Keycloak was started without ${name}`);
    return v;
  };
  return {
    configFile: path.join(repoRoot(), 'backstage-plugins', 'app-config.keycloak.yaml'),
    env: {
      KEYCLOAK_URL: kc.url,
      KEYCLOAK_REALM: BACKSTAGE_KEYCLOAK_REALM,
      KEYCLOAK_BACKSTAGE_CLIENT_SECRET: secret('KEYCLOAK_BACKSTAGE_CLIENT_SECRET'),
      KEYCLOAK_CATALOG_CLIENT_SECRET: secret('KEYCLOAK_CATALOG_CLIENT_SECRET'),
      AUTH_SESSION_SECRET: randomBytes(24).toString('base64url'),
      KEYCLOAK_CATALOG_REFRESH_SECONDS: String(o.refreshSeconds ?? 60),
    },
  };
}
