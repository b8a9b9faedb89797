/**
 * The canary seam end to end, with nothing faked on the canary side: the governance router (its gate
 * evaluator configured with `gates.canary.source: http`) → a `canary-gate serve` child process run from
 * the package's built bin (dist/cli.js, as installed users run it) → a real Prometheus holding the
 * traffic simulator's backfill of canary scenarios, each under the API name of a fixture entity:
 *
 *   orders     healthy canary                 → canary gate passed; approval needs no override
 *   regressed  +5 pp of 5xx on the canary     → canary gate failed with the judge's reasons; approval 422
 *   nocanary   no canary traffic              → canary gate unknown ("nothing to judge"); approval 422
 *
 * The request names only the API: the server discovers canary and baseline versions. Skipped when
 * Prometheus / promtool are not built (npm run setup).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import type { AuditEntry, PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { freePort, repoRoot, startPrometheus, startProcess, toolPath, httpOk, type ManagedProcess, type RunningPrometheus } from '@api-observatory/local-stack';
import { call, copyOf, serve, sloSource, sqliteDb, TEST_CONFIG, type TestDb } from './__testutils__/fixtures';
import type { GovernanceConfig } from './config';

const run = promisify(execFile);

/** Why the test cannot run here (a tool not built), or false. */
const skip = ((): string | false => {
  try {
    for (const tool of ['prometheus', 'promtool'] as const) toolPath(tool);
    return false;
  } catch (e) {
    return (e as Error).message;
  }
})();

interface ScenarioData {
  api: string;
  scenario: string;
  scenarioParam?: number;
}
type BuildScenarioTsdb = (workDir: string, tsdbDir: string, promtool: string, scenarios: ScenarioData[], o: { startMs: number; endMs: number; stepMs?: number; rps?: number }) => Promise<void>;

/**
 * The canary judge's test data builder (simulator backfill → promtool blocks). Loaded by path at run
 * time: it lives outside this workspace's tsconfig rootDir.
 */
async function scenarioTsdbBuilder(): Promise<BuildScenarioTsdb> {
  const file = path.join(repoRoot(), 'packages', 'canary-judge', 'test', 'helpers', 'tsdb.ts');
  return ((await import(file)) as { buildScenarioTsdb: BuildScenarioTsdb }).buildScenarioTsdb;
}

type Body = PromotionRequest & { error: { code: string; message: string } };

describe('canary seam: governance router → canary-gate serve → real Prometheus', { skip, timeout: 300_000 }, () => {
  let dir = '';
  let prom: RunningPrometheus | undefined;
  let gate: ManagedProcess | undefined;
  let db: TestDb | undefined;
  let server: Server | undefined;
  let url = '';

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'canary-seam-'));
    const root = repoRoot();
    // The bin as installed users run it: compiled JavaScript, built fresh from the sources under test.
    await run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b', path.join(root, 'packages', 'canary-judge')], { cwd: root });
    const now = Date.now();
    const build = await scenarioTsdbBuilder();
    await build(
      dir,
      path.join(dir, 'prom', 'tsdb'),
      toolPath('promtool'),
      [
        { api: 'orders', scenario: 'healthy' },
        { api: 'regressed', scenario: 'error-regression', scenarioParam: 5 },
        { api: 'nocanary', scenario: 'no-data' },
      ],
      { startMs: now - 13 * 60_000, endMs: now + 3 * 60_000, stepMs: 15_000, rps: 200 },
    );
    prom = await startPrometheus({ port: await freePort(), dataDir: path.join(dir, 'prom'), logDir: dir });

    const port = await freePort();
    gate = await startProcess({
      name: 'canary-gate',
      command: process.execPath,
      args: [path.join(root, 'packages', 'canary-judge', 'dist', 'cli.js'), 'serve', '--prometheus', prom.url, '--host', '127.0.0.1', '--port', String(port)],
      env: { NODE_TEST_CONTEXT: undefined },
      logDir: dir,
      ready: httpOk(`http://127.0.0.1:${port}/healthz`),
    });

    const config: GovernanceConfig = {
      ...TEST_CONFIG,
      gates: { ...TEST_CONFIG.gates, canary: { source: 'http', url: `http://127.0.0.1:${port}`, required: true, timeoutMs: 30_000 } },
    };
    db = await sqliteDb();
    // Only the SLO gate is injected (its real-Prometheus test is slo.test.ts); the canary gate is built from the config.
    ({ url, server } = await serve(db.knex, config, { slo: sloSource }));
  });

  after(async () => {
    server?.close();
    await db?.close();
    await gate?.stop();
    await prom?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const create = (api: string, suffix: string) => call<Body>(url, 'POST', '/requests', 'alice', { entityRef: copyOf(api, suffix), toEnvironment: 'production', comment: 'seam' });
  const canaryOf = (r: PromotionRequest) => r.gates!.gates.find((g) => g.gate === 'canary')!;

  test('healthy canary: the gate passes and the promotion is approved without override', async () => {
    const req = await create('orders', 'seam1');
    assert.equal(req.status, 201, JSON.stringify(req.body));
    const g = canaryOf(req.body);
    assert.equal(g.status, 'passed', `${g.summary}\n${gate!.tail()}`);
    assert.match(g.summary, /^promote: canary v2\.1 vs baseline v2 \(score 100\), conclusive in the last 3 evaluations$/);
    assert.deepEqual((g.evidence as { api: string; decision: string }).decision, 'promote');
    assert.equal(req.body.gates!.passed, true);
    const approved = await call<Body>(url, 'POST', `/requests/${req.body.id}/approve`, 'carla', { reason: 'gates green' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual([approved.body.state, approved.body.overridden], ['approved', false]);
    const trail = (await call<{ items: AuditEntry[] }>(url, 'GET', `/requests/${req.body.id}/audit`, 'alice')).body.items;
    assert.equal(trail.at(-1)!.evidence!.gates.find((x) => x.gate === 'canary')!.status, 'passed', 'the gate was evaluated again at approval');
  });

  test('error regression: the gate fails with the judge’s reasons; approval is refused', async () => {
    const req = await create('regressed', 'seam1');
    const g = canaryOf(req.body);
    assert.equal(g.status, 'failed', g.summary);
    assert.match(g.summary, /^rollback: canary v2\.1 vs baseline v2 \(score [\d.]+\): .*error_ratio/);
    const e = g.evidence as { reasons: string[]; metrics: Array<{ name: string; result: string; failed: boolean }> };
    assert.ok(e.reasons.some((r) => /critical metric error_ratio failed/.test(r)), e.reasons.join('\n'));
    assert.deepEqual(e.metrics.find((m) => m.name === 'error_ratio'), { ...e.metrics.find((m) => m.name === 'error_ratio'), result: 'high', failed: true });
    const blocked = await call<Body>(url, 'POST', `/requests/${req.body.id}/approve`, 'carla', {});
    assert.equal(blocked.status, 422);
    assert.match(blocked.body.error.message, /canary: failed/);
  });

  test('no canary traffic: the gate is unknown (nothing to judge), never passed', async () => {
    const req = await create('nocanary', 'seam1');
    const g = canaryOf(req.body);
    assert.equal(g.status, 'unknown', g.summary);
    assert.match(g.summary, /^nothing to judge: API "nocanary" has no canary: no deployment_role="canary" traffic over the last 10m$/);
    const blocked = await call<Body>(url, 'POST', `/requests/${req.body.id}/approve`, 'carla', {});
    assert.equal(blocked.status, 422);
    assert.match(blocked.body.error.message, /canary: unknown/);
  });
});
