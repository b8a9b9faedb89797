/**
 * Integration: the pack installed into Backstage apps this repository did not create (issue 11, item 4).
 * `npm run pack`'s Backstage tarballs are served by a loopback registry (fresh-app/registry.ts); apps
 * scaffolded by `@backstage/create-app` from the public registry get them with exactly INSTALL.md's marked
 * lines (fresh-app/install-guide.ts), are built for production (`yarn build:backend`, the template's
 * Dockerfile path) and their backend serves the built frontend. No workspace link, no `source` condition.
 *
 * 1. default template (new frontend system) at both ends of the releases the packages declare: aligned to
 *    this workspace's release (1.57.1) with `backstage-cli versions:bump`, and as generated (1.55.0) with
 *    every `@backstage/*` package held at its 1.55.0 version (our packages then run on the app's own
 *    Backstage packages, no second copy); each against the local stack (simulator, collector, Prometheus, Jaeger):
 *    Chromium shows the orders API's Observability tab with live numbers, a failed request's trace whose
 *    spans are Jaeger's, an AsyncAPI definition in our viewer, the validator's errors on the invalid sample
 *    API, and a promotion requested (emma.orders, governance card), approved (carla.pm, approvals inbox)
 *    and marked promoted (carla.pm), each user signed in through the app's own sign-in page.
 * 2. legacy template (legacy frontend system), aligned alike, Prometheus unreachable: the `./legacy`
 *    entries mount (Observability tab naming `apiObservability.prometheusUrl`, AsyncAPI viewer through
 *    `apiDocsConfigRef`, the Governance tab, the approvals page).
 *
 * Sign-in is not part of the pack: the apps sign people in as a deployment behind oauth2-proxy does
 * (Backstage's oauth2Proxy provider, `x-forwarded-user`), and each browser context is one user.
 *
 * Caches (fresh-app/scaffold.ts): create-app and yarn's package cache, each app's node_modules keyed by
 * its install inputs, and production builds keyed by a hash of every build input (the lockfile carries our
 * tarballs' checksums, so a changed plugin rebuilds). Cold (empty caches): install and build of three apps.
 *
 *   node --conditions=source --import tsx --test --test-concurrency=1 backstage-plugins/e2e-tests/fresh-app.test.ts
 *   FRESH_APP_TARBALLS=.pack/npm node … (tarballs of an earlier `npm run pack`, not packed again)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStack, type Stack } from '@api-observatory/local-stack';
import { RELEASE_1_55_MANIFEST, REPO_ROOT, prepareFreshApp, type FreshApp } from './fresh-app/app';
import { readSteps } from './fresh-app/install-guide';
import { startLocalRegistry, type LocalRegistry } from './fresh-app/registry';
import { FORWARDED_USER_HEADER, addProxySignIn, applyGroup, buildForProduction, pointScopeAt, startFreshBackend, testConfig, type BuildResult, type FreshBackend } from './fresh-app/run';
import { CACHE_ROOT, run } from './fresh-app/scaffold';
import { CHROMIUM, clickForJson, freePort, handled, launchBrowser } from './harness';

const LOG_DIR = path.join(REPO_ROOT, '.run', 'fresh-app');
const UI_TIMEOUT = 60_000;
const REQUEST_COMMENT = 'fresh app: v2.4 to production';
const APPROVE_COMMENT = 'fresh app: reviewed';

interface PromotionLike {
  id: string;
  state: string;
  requestedBy: string;
  decidedBy?: string | null;
  toEnvironment: string;
}

const timings: Record<string, number> = {};
async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings[label] = Math.round((Date.now() - t0) / 100) / 10;
  }
}

/**
 * yarn's global cache keeps an archive per package version: a re-packed 0.1.0 with new contents must not be
 * served from it, so our scope's archives are dropped before an app installs the tarballs.
 */
function dropCachedTarballs(): void {
  const dir = path.join(CACHE_ROOT, 'yarn', 'cache');
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (f.startsWith('@api-observatory-')) rmSync(path.join(dir, f), { force: true });
}

/** Scaffold (or restore), install the pack with INSTALL.md's groups, add the proxy sign-in, build. */
async function installAndBuild(app: FreshApp, registry: LocalRegistry, groups: string[]): Promise<BuildResult> {
  pointScopeAt(app, registry.url);
  dropCachedTarballs();
  const steps = readSteps();
  await timed(`${app.template} ${app.release}: INSTALL.md steps`, async () => {
    for (const g of groups) await applyGroup(app, steps, g);
  });
  assert.deepEqual(registry.misses.filter((n) => n.startsWith('@api-observatory/')), [], 'every @api-observatory package the app asked for was packed');
  await addProxySignIn(app);
  return timed(`${app.template} ${app.release}: production build`, () => buildForProduction(app, {}));
}

/** A browser context signed in as `user` by the proxy header; the app's sign-in page resolves it. */
async function signedInPage(browser: Browser, contexts: BrowserContext[], baseUrl: string, user: string, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1100 }, extraHTTPHeaders: { [FORWARDED_USER_HEADER]: user } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  page.setDefaultNavigationTimeout(90_000);
  const refresh = handled(page.waitForResponse((r) => r.url().includes('/api/auth/oauth2Proxy/refresh'), { timeout: 90_000 }));
  await page.goto(`${baseUrl}${url}`);
  const res = await refresh;
  const body = (await res.json()) as { backstageIdentity?: { identity?: { userEntityRef?: string } } };
  assert.equal(res.status(), 200, JSON.stringify(body));
  assert.equal(body.backstageIdentity?.identity?.userEntityRef, `user:default/${user}`, 'the app signed in the user the proxy names');
  return page;
}

/** Screenshots of every open page under LOG_DIR, for a failure's message. */
async function screenshots(contexts: BrowserContext[], label: string): Promise<string[]> {
  mkdirSync(LOG_DIR, { recursive: true });
  const files: string[] = [];
  for (const [i, c] of contexts.entries()) {
    for (const [j, p] of c.pages().entries()) {
      const file = path.join(LOG_DIR, `${label}-${i}-${j}.png`);
      if (await p.screenshot({ path: file, fullPage: true }).then(() => true, () => false)) files.push(file);
    }
  }
  return files;
}

/** Runs browser steps; a failure names the step and carries screenshots and the backend log's tail. */
async function steps(label: string, backend: FreshBackend, f: (contexts: BrowserContext[], at: (s: string) => void) => Promise<void>): Promise<void> {
  const contexts: BrowserContext[] = [];
  let step = 'start';
  try {
    await f(contexts, (s) => {
      step = s;
    });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const shots = await screenshots(contexts, label);
    e.message = `[${label}] step "${step}": ${e.message}\nscreenshots: ${shots.join(', ') || 'none'}\nbackend log ${backend.logFile}:\n${backend.tail(30)}`;
    throw e;
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
  }
}

/**
 * Until the catalog holds `names` (API entities), through the backend's catalog API as `user`; signing in
 * fails until the catalog has ingested that user's entity, so it is retried too.
 */
async function waitForApis(backend: FreshBackend, user: string, names: string[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = '';
  for (;;) {
    try {
      const res = await backend.fetchAs(user, '/api/catalog/entities?filter=kind=api&fields=metadata.name');
      const have = res.ok ? ((await res.json()) as Array<{ metadata: { name: string } }>).map((e) => e.metadata.name) : [];
      const missing = names.filter((n) => !have.includes(n));
      if (missing.length === 0) return;
      last = `status ${res.status}, missing ${missing.join(', ')}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`the fresh app's catalog is not ready (${last}); backend log ${backend.logFile}:\n${backend.tail()}`);
    await sleep(2_000);
  }
}

/** node_modules folders of the app where yarn installs packages (the root and each workspace package). */
function nodeModulesDirs(appDir: string): string[] {
  return [path.join(appDir, 'node_modules'), ...['app', 'backend'].map((p) => path.join(appDir, 'packages', p, 'node_modules'))].filter((d) => existsSync(d));
}

/**
 * The `@backstage/*` packages one of our installed packages got a copy of its own of, beside the app's.
 * Backstage packages must exist once, so on a supported release this is empty.
 */
function ownBackstageCopies(appDir: string): string[] {
  const out: string[] = [];
  for (const dir of nodeModulesDirs(appDir)) {
    const scope = path.join(dir, '@api-observatory');
    if (!existsSync(scope)) continue;
    for (const pkg of readdirSync(scope)) {
      const nested = path.join(scope, pkg, 'node_modules', '@backstage');
      if (existsSync(nested)) for (const d of readdirSync(nested)) out.push(`@api-observatory/${pkg} has its own @backstage/${d}`);
    }
  }
  return out;
}

/** Installed `@backstage/*` packages whose version is not the one the release manifest names. */
function offReleaseVersions(appDir: string, manifestFile: string): string[] {
  const release = new Map((JSON.parse(readFileSync(manifestFile, 'utf8')) as { packages: Array<{ name: string; version: string }> }).packages.map((p) => [p.name, p.version]));
  const out: string[] = [];
  for (const dir of nodeModulesDirs(appDir)) {
    const scope = path.join(dir, '@backstage');
    if (!existsSync(scope)) continue;
    for (const d of readdirSync(scope)) {
      const { version } = JSON.parse(readFileSync(path.join(scope, d, 'package.json'), 'utf8')) as { version: string };
      const want = release.get(`@backstage/${d}`);
      if (want && want !== version) out.push(`@backstage/${d} ${version} (release: ${want}) in ${path.relative(appDir, dir)}`);
    }
  }
  return out;
}

/**
 * The default-template app at both ends of the releases the packages declare: the newest (this workspace's
 * release, the generated app bumped to it) and the oldest (the generated 1.55.0 app with every `@backstage/*`
 * package held at its version in that release, as a lockfile from when 1.55 was current holds them).
 */
const DEFAULT_RELEASES = [
  { variant: 'aligned', release: '1.57.1', what: 'the workspace release 1.57.1 (newest supported)' },
  { variant: 'pinned', release: '1.55.0', what: 'release 1.55.0 as a user of that release has it (oldest supported)' },
] as const;

// Only Chromium is needed: the apps build their own frontend (the dev app's bundle plays no part).
const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

describe('the pack in fresh Backstage apps, installed from the packed tarballs', { skip }, () => {
  let registry: LocalRegistry;
  let browser: Browser | undefined;

  before(async () => {
    // The Backstage plugins built by their CLI and packed, exactly as `npm run pack` does; or the tarballs
    // of a pack already made (FRESH_APP_TARBALLS: its npm/ folder), as CI may run the pack once for all.
    let tarballs = process.env.FRESH_APP_TARBALLS ? path.resolve(process.env.FRESH_APP_TARBALLS) : '';
    if (!tarballs) {
      const out = path.join(LOG_DIR, 'pack');
      tarballs = path.join(out, 'npm');
      await timed('npm run pack (Backstage plugins and npm packages)', async () => {
        rmSync(tarballs, { recursive: true, force: true });
        // Declarations from a clean tsc run, as the test command's type-check writes them: an incremental run
        // orders some union types differently, and the API report check would fail on that alone.
        rmSync(path.join(REPO_ROOT, 'backstage-plugins', 'dist-types'), { recursive: true, force: true });
        await run(process.execPath, ['--conditions=source', '--import', 'tsx', 'scripts/pack.ts', '--out', out, '--steps', 'npm,backstage'], { cwd: REPO_ROOT, log: path.join(LOG_DIR, 'pack.log') });
      });
    } else if (!existsSync(tarballs) || !readdirSync(tarballs).some((f) => f.endsWith('.tgz'))) {
      throw new Error(`FRESH_APP_TARBALLS=${process.env.FRESH_APP_TARBALLS}: no .tgz files there (the npm/ folder of \`npm run pack\`)`);
    }
    registry = await startLocalRegistry(tarballs);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await registry?.close();
    console.log(`fresh-app timings (s): ${JSON.stringify(timings)}`);
  });

  for (const r of DEFAULT_RELEASES) describe(`default template (new frontend system) at ${r.what}, against the local stack`, () => {
    let app: FreshApp;
    let build: BuildResult;
    let stack: Stack;
    let backend: FreshBackend;

    before(async () => {
      app = await timed(`default ${r.release}: scaffold, bump, install`, () => prepareFreshApp({ template: 'default', variant: r.variant, name: `default-${r.variant}`, logDir: LOG_DIR }));
      build = await installAndBuild(app, registry, ['backend', 'frontend']);
      stack = await timed(`default ${r.release}: local stack`, () =>
        startStack({
          name: 'fresh-app-stack',
          scrapeInterval: '2s',
          simulator: { gateway: 'kong', rps: 40, seed: 7 },
          collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
        }),
      );
      const port = await freePort();
      backend = await timed(`default ${r.release}: backend start`, () =>
        startFreshBackend(app, {
          name: `default-${r.variant}`,
          logDir: LOG_DIR,
          port,
          // No canary-gate server and no SLO series here: those gates are shown but not required, as in the
          // dev app's shipped config (a deployment with both requires them; the governance e2e test covers that).
          config: testConfig(port, { apiObservability: { cacheTtlSeconds: 1 }, apiGovernance: { gates: { canary: { required: false }, slo: { required: false } } } }),
          // INSTALL.md's config reads both URLs from the environment.
          env: { PROMETHEUS_URL: stack.prometheus.url, JAEGER_URL: stack.jaeger.url },
        }),
      );
      await waitForApis(backend, 'emma.orders', ['orders', 'notification-events', 'legacy-returns']);
      // Until the simulated traffic has rates and a failed request's trace.
      const deadline = Date.now() + 120_000;
      for (;;) {
        const res = await backend.fetchAs('emma.orders', '/api/api-observability/entity/api/default/orders/summary?range=1h');
        const s = (await res.json()) as { state?: string; current?: { requestsPerSecond: number | null }; recentRequests?: Array<{ reason: string }> };
        if (s.state === 'ok' && (s.current?.requestsPerSecond ?? 0) > 0 && s.recentRequests?.some((r) => r.reason === 'failed')) break;
        if (Date.now() > deadline) throw new Error(`orders has no live summary in the fresh app: ${res.status} ${JSON.stringify(s).slice(0, 600)}`);
        await sleep(3_000);
      }
    });

    after(async () => {
      await backend?.stop();
      await stack?.stop();
      app?.stash();
    });

    test(`the app is Backstage ${r.release}, installed from the tarballs`, () => {
      assert.equal(app.release, r.release);
      assert.ok(build.appBytes > 0);
      assert.deepEqual(ownBackstageCopies(app.appDir), [], 'our packages use the app\'s Backstage packages');
      if (r.variant === 'pinned') assert.deepEqual(offReleaseVersions(app.appDir, RELEASE_1_55_MANIFEST), [], `every Backstage package at its ${r.release} version`);
      console.log(`default ${r.variant}: release ${app.release}, node_modules ${app.warm ? 'warm' : 'cold'}, build ${build.cached ? 'cached' : 'fresh'} (${build.seconds.toFixed(0)} s)`);
    });

    test('Observability tab: live numbers; a failed request opens its trace, whose spans are the ones Jaeger holds', async () => {
      await steps(`default-${r.variant}-observability`, backend, async (contexts, at) => {
        at('open the orders Observability tab');
        const page = await signedInPage(browser!, contexts, backend.baseUrl, 'emma.orders', '/catalog/default/api/orders/observability');
        const rps = page.getByTestId('obs-rps');
        await rps.waitFor();
        const rpsText = (await rps.textContent()) ?? '';
        assert.ok(Number(/([\d.]+)\s*req\/s/.exec(rpsText)?.[1]) > 0, `requests per second on the page: ${JSON.stringify(rpsText)}`);
        assert.match((await page.getByTestId('obs-p95').textContent()) ?? '', /\d+(\.\d+)?\s*(ms|s)$/);
        at('open a failed request trace');
        const failed = page.locator('[data-testid="obs-request-row"]', { has: page.locator('td', { hasText: /^failed$/ }) }).first();
        await failed.waitFor();
        const id = (await failed.getAttribute('data-trace-id'))!;
        assert.match(id, /^[0-9a-f]{32}$/);
        await failed.getByTestId('obs-trace-view').click();
        await page.waitForURL(`**/api-observability/traces/${id}`);
        const view = page.getByTestId('trace-view');
        await view.waitFor();
        assert.equal(await view.getAttribute('data-trace-id'), id);
        const stored = (await (await fetch(`${stack.jaeger.url}/api/traces/${id}`)).json()) as { data: Array<{ spans: Array<{ spanID: string }> }> };
        assert.ok(stored.data[0]!.spans.length > 0, 'Jaeger resolves the trace');
        const shown = await page.getByTestId('trace-span').evaluateAll((els) => els.map((e) => e.getAttribute('data-span-id')));
        assert.deepEqual(shown.sort(), stored.data[0]!.spans.map((s) => s.spanID).sort());
      });
    });

    test('an AsyncAPI definition is rendered by our viewer; the invalid API shows the validator errors', async () => {
      await steps(`default-${r.variant}-definitions`, backend, async (contexts, at) => {
        at('AsyncAPI definition');
        const page = await signedInPage(browser!, contexts, backend.baseUrl, 'emma.orders', '/catalog/default/api/notification-events/definition');
        const viewer = page.locator('[data-testid="asyncapi-viewer"]');
        await viewer.getByText('AsyncAPI 3.0.0').waitFor();
        await viewer.locator('[data-channel="notificationDelivery"]').getByText('notifications.delivery.v1').waitFor();
        assert.equal(await page.locator('.aui-root').count(), 0, 'the stock @asyncapi/react-component widget is replaced');
        at('validator errors');
        await page.goto(`${backend.baseUrl}/catalog/default/api/legacy-returns`);
        await page.getByText(/\[operation-operationId-unique\] operationId `listReturns`/).first().waitFor();
        const body = await page.locator('body').innerText();
        for (const rule of ['security-schemes-defined', 'ref-resolves', 'path-params-defined']) assert.ok(body.includes(`[${rule}]`), `${rule} on the page`);
      });
    });

    test('a promotion requested on the governance card by emma.orders, approved in the inbox and promoted by carla.pm', async () => {
      await steps(`default-${r.variant}-governance`, backend, async (contexts, at) => {
        at('emma requests promotion');
        const emma = await signedInPage(browser!, contexts, backend.baseUrl, 'emma.orders', '/catalog/default/api/orders');
        const emmaCard = emma.getByTestId('governance-card');
        await emmaCard.getByTestId('governance-no-open-request').waitFor();
        await emmaCard.locator('[data-env="staging"][data-current="true"]').waitFor();
        await emmaCard.getByRole('button', { name: 'Request promotion' }).click();
        const requestDialog = emma.getByRole('dialog', { name: 'Request promotion' });
        await requestDialog.getByRole('button', { name: /production/ }).click();
        await emma.getByRole('option', { name: 'production' }).click();
        await requestDialog.getByTestId('request-comment').fill(REQUEST_COMMENT);
        const request = await clickForJson<PromotionLike>(emma, requestDialog.getByRole('button', { name: 'Request promotion' }), { method: 'POST', pathEnd: '/api/api-governance/requests', status: 201 });
        assert.equal(request.requestedBy, 'user:default/emma.orders');
        assert.equal(request.toEnvironment, 'production');
        const open = emmaCard.getByTestId('governance-open-request');
        await open.locator('[data-state="requested"]').waitFor();
        await open.getByTestId('card-self-note').waitFor();
        assert.equal(await emmaCard.getByRole('button', { name: 'Approve' }).count(), 0, 'the requester is offered no Approve');

        at('carla approves in the inbox');
        const carla = await signedInPage(browser!, contexts, backend.baseUrl, 'carla.pm', '/api-governance');
        const row = carla.getByTestId('inbox-row').filter({ hasText: REQUEST_COMMENT });
        await row.getByText('emma.orders', { exact: true }).waitFor();
        await row.getByRole('button', { name: 'Review' }).click();
        const dialog = carla.getByRole('dialog', { name: 'Decide on the promotion request' });
        await dialog.getByTestId('decision-comment').fill(APPROVE_COMMENT);
        const approved = await clickForJson<PromotionLike>(carla, dialog.getByTestId('decision-approve'), { method: 'POST', pathEnd: `/requests/${request.id}/approve`, status: 200 });
        assert.equal(approved.state, 'approved');
        assert.equal(approved.decidedBy, 'user:default/carla.pm');
        await carla.getByTestId('inbox-empty').waitFor();

        at('carla marks it promoted on the card');
        await carla.goto(`${backend.baseUrl}/catalog/default/api/orders`);
        const carlaCard = carla.getByTestId('governance-card');
        await carlaCard.getByTestId('governance-open-request').locator('[data-state="approved"]').waitFor();
        await carlaCard.getByRole('button', { name: 'Mark promoted' }).click();
        const promoteDialog = carla.getByRole('dialog', { name: 'Mark as promoted' });
        const promoted = await clickForJson<PromotionLike>(carla, promoteDialog.getByRole('button', { name: 'Mark promoted' }), { method: 'POST', pathEnd: `/requests/${request.id}/promote`, status: 200 });
        assert.equal(promoted.state, 'promoted');
        await carlaCard.locator('[data-env="production"][data-current="true"]').waitFor();

        at('emma sees production');
        await emma.reload();
        await emmaCard.getByTestId('governance-no-open-request').waitFor();
        await emmaCard.locator('[data-env="production"][data-current="true"]').waitFor();
      });
    });
  });

  describe('legacy template (legacy frontend system) at the workspace release, Prometheus unreachable', () => {
    let app: FreshApp;
    let backend: FreshBackend;

    before(async () => {
      app = await timed('legacy: scaffold, bump, install', () => prepareFreshApp({ template: 'legacy', variant: 'aligned', name: 'legacy-aligned', logDir: LOG_DIR }));
      await installAndBuild(app, registry, ['backend', 'frontend-legacy']);
      const port = await freePort();
      const closed = await freePort();
      backend = await timed('legacy: backend start', () =>
        startFreshBackend(app, {
          name: 'legacy-aligned',
          logDir: LOG_DIR,
          port,
          config: testConfig(port),
          env: { PROMETHEUS_URL: `http://127.0.0.1:${closed}`, JAEGER_URL: `http://127.0.0.1:${closed}` },
        }),
      );
      await waitForApis(backend, 'emma.orders', ['orders', 'notification-events']);
    });

    after(async () => {
      await backend?.stop();
      app?.stash();
    });

    test('the ./legacy entries mount: Observability tab naming the Prometheus key, AsyncAPI viewer, Governance tab, approvals page', async () => {
      assert.equal(app.release, '1.57.1');
      await steps('legacy', backend, async (contexts, at) => {
        at('Observability tab');
        const page = await signedInPage(browser!, contexts, backend.baseUrl, 'emma.orders', '/catalog/default/api/orders/observability');
        await page.getByTestId('obs-state-prometheus-unreachable').waitFor();
        assert.equal(await page.getByTestId('obs-state-prometheus-config-key').locator('code').textContent(), 'apiObservability.prometheusUrl');
        at('AsyncAPI viewer');
        await page.goto(`${backend.baseUrl}/catalog/default/api/notification-events/definition`);
        await page.locator('[data-testid="asyncapi-viewer"]').getByText('AsyncAPI 3.0.0').waitFor();
        at('Governance tab and approvals page');
        await page.goto(`${backend.baseUrl}/catalog/default/api/orders/governance`);
        await page.getByTestId('governance-card').getByTestId('governance-no-open-request').waitFor();
        await page.goto(`${backend.baseUrl}/api-governance`);
        await page.getByTestId('inbox-empty').waitFor();
      });
    });
  });
});
