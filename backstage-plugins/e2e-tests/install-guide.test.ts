/**
 * INSTALL.md's Backstage steps against the apps `@backstage/create-app` really generates (issue 11, item 8):
 * both templates are scaffolded (no install) and every marked file step of the guide is applied to them
 * with fresh-app/install-guide.ts, so an anchor the templates no longer have, or a line that lands in the
 * wrong place, fails here; the `yarn add` lines name exactly the packages this workspace publishes.
 * The full install, build and browser run lives in fresh-app/ (run.ts, app.ts).
 *
 *   node --conditions=source --import tsx --test backstage-plugins/e2e-tests/install-guide.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { applyFileStep, commands, readSteps, type Step } from './fresh-app/install-guide';
import { ensureCreateApp, scaffold, type CreateApp } from './fresh-app/scaffold';

const PLUGINS = path.resolve(__dirname, '..', 'plugins');
const published = new Set(readdirSync(PLUGINS).map((d) => (JSON.parse(readFileSync(path.join(PLUGINS, d, 'package.json'), 'utf8')) as { name: string }).name));

describe('INSTALL.md applied to apps scaffolded by create-app', () => {
  const steps: Step[] = readSteps();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'install-guide-'));
  let ca: CreateApp;

  before(async () => {
    ca = await ensureCreateApp(path.join(tmp, 'create-app.log'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('the guide marks backend, new and legacy frontend steps; its yarn lines add only published packages', () => {
    assert.deepEqual([...new Set(steps.map((s) => s.group))], ['backend', 'frontend', 'frontend-legacy']);
    for (const group of ['backend', 'frontend', 'frontend-legacy']) {
      const adds = commands(steps, group).filter((c) => c.startsWith('yarn --cwd'));
      assert.ok(adds.length > 0, group);
      for (const line of adds) {
        const m = /^yarn --cwd packages\/(app|backend) add ((?:@api-observatory\/[\w-]+ ?)+)$/.exec(line);
        assert.ok(m, `${group}: ${line}`);
        for (const name of m[2]!.trim().split(' ')) assert.ok(published.has(name), `${name} is a package of backstage-plugins/plugins`);
        assert.equal(m[1], group === 'backend' ? 'backend' : 'app', line);
      }
    }
  });

  test('default template (new frontend system): the backend lines land, the allow-all policy goes', async () => {
    const app = path.join(tmp, 'default');
    await scaffold(ca, 'default', app, path.join(tmp, 'default.log'));
    for (const s of steps.filter((x) => x.group === 'backend' && x.action !== 'run')) applyFileStep(app, s);
    const index = readFileSync(path.join(app, 'packages/backend/src/index.ts'), 'utf8');
    assert.ok(!index.includes('allow-all-policy'), 'the allow-all policy is replaced');
    assert.match(index, /^import \{ permissionModuleApiGovernancePolicy \} from '@api-observatory\/backstage-plugin-api-governance-backend';$/m);
    assert.match(index, /^backend\.add\(permissionModuleApiGovernancePolicy\);$/m);
    for (const p of ['api-observability-backend', 'api-governance-backend', 'catalog-backend-module-api-validator']) {
      const at = index.indexOf(`backend.add(import('@api-observatory/backstage-plugin-${p}'));`);
      assert.ok(at > 0 && at < index.indexOf('backend.start();'), `${p} is added before backend.start()`);
    }
    const config = parseYaml(readFileSync(path.join(app, 'app-config.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.equal(config.apiObservability!.prometheusUrl, '${PROMETHEUS_URL}');
    assert.equal(config.backend!.baseUrl, 'http://localhost:7007', "the template's own settings stay");
    assert.equal((config.app as { packages?: string }).packages, 'all', 'features are discovered: the frontend needs only its yarn line');
  });

  test('legacy template: the entity page, routes and api-docs config lines land where they belong', async () => {
    const app = path.join(tmp, 'legacy');
    await scaffold(ca, 'legacy', app, path.join(tmp, 'legacy.log'));
    for (const s of steps.filter((x) => x.group === 'frontend-legacy' && x.action !== 'run')) applyFileStep(app, s);
    const page = readFileSync(path.join(app, 'packages/app/src/components/catalog/EntityPage.tsx'), 'utf8');
    const apiPage = page.slice(page.indexOf('const apiPage = ('), page.indexOf('const userPage = ('));
    assert.ok(apiPage.indexOf('<EntityApiObservabilityContent />') > 0 && apiPage.indexOf('<EntityApiObservabilityContent />') < apiPage.indexOf('path="/definition"'), 'the Observability tab is on the API page');
    assert.ok(apiPage.includes('<EntityGovernanceContent />'));
    assert.ok(page.startsWith("import { EntityApiObservabilityContent } from '@api-observatory/backstage-plugin-api-observability/legacy';"));
    const appTsx = readFileSync(path.join(app, 'packages/app/src/App.tsx'), 'utf8');
    assert.match(appTsx, /<Route path="\/api-governance" element=\{<ApiGovernancePage \/>\} \/>\n\s+<Route path="\/notifications"/);
    const apis = readFileSync(path.join(app, 'packages/app/src/apis.ts'), 'utf8');
    assert.match(apis, /asyncApiDocsConfigApi,\n\s+ScmAuth\.createDefaultApiFactory\(\),/);
  });

  test('a step whose anchor the app lacks fails, naming the step', () => {
    const step = steps.find((s) => s.action === 'insert')!;
    assert.throws(() => applyFileStep(path.join(tmp, 'default'), { ...step, anchor: 'no such line' }), /INSTALL\.md line \d+ .*"no such line" is not in/);
  });
});
