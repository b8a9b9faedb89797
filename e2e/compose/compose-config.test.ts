/**
 * `docker-compose config` (Debian's docker-compose package, the Compose 1.x implementation) validates
 * docker-compose.yml against the Compose file schema and resolves its variables, statically: no Docker
 * engine is needed. The test runs it with a sample environment (every variable of docker/.env.example
 * set), then once per required variable with that variable missing, which must fail naming it.
 *
 * Skipped, with the reason, when docker-compose is not installed (apt-get install docker-compose).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { COMPOSE_FILE, ROOT, envExample, requiredComposeVariables, sampleEnv } from './helpers';

const EXPECTED_SERVICES = [
  'alert-sink', 'alertmanager', 'backstage', 'collector', 'grafana', 'keycloak', 'loki', 'postgres', 'prometheus', 'simulator', 'tempo',
];

function findDockerCompose(): string | undefined {
  if (process.env.DOCKER_COMPOSE_BIN) return process.env.DOCKER_COMPOSE_BIN;
  const r = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  return r.status === 0 ? 'docker-compose' : undefined;
}

const bin = findDockerCompose();

if (!bin) {
  test('docker-compose config', {
    skip: "Debian's docker-compose is not installed (apt-get install docker-compose); docker-compose.yml was not validated against the Compose schema",
  }, () => {});
} else describe('docker-compose config', () => {
  let dir: string;
  let emptyEnvFile: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'apiobs-compose-'));
    // An empty --env-file: a developer's own .env at the repository root must not fill in the variables.
    emptyEnvFile = path.join(dir, 'empty.env');
    writeFileSync(emptyEnvFile, '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs docker-compose with exactly `vars` (plus PATH and HOME) as the variables it can see. */
  function compose(vars: Record<string, string>, ...args: string[]) {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? dir, LANG: 'C.UTF-8', ...vars };
    return spawnSync(bin!, ['--project-directory', ROOT, '--env-file', emptyEnvFile, '-f', COMPOSE_FILE, ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  test('validates with the sample environment and resolves every variable', () => {
    const vars = sampleEnv();
    const r = compose(vars, 'config');
    assert.equal(r.status, 0, `docker-compose config failed:\n${r.stderr}`);
    const resolved = parseYaml(r.stdout);
    assert.deepEqual(Object.keys(resolved.services).sort(), EXPECTED_SERVICES);
    assert.ok(!/\$\{[A-Za-z_]/.test(r.stdout), 'unresolved ${...} left in the resolved file');
    // The required secrets reach the services that need them.
    assert.equal(resolved.services.grafana.environment.KEYCLOAK_GRAFANA_CLIENT_SECRET, vars.KEYCLOAK_GRAFANA_CLIENT_SECRET);
    assert.equal(resolved.services.keycloak.environment.KEYCLOAK_GRAFANA_CLIENT_SECRET, vars.KEYCLOAK_GRAFANA_CLIENT_SECRET);
    assert.equal(resolved.services.backstage.environment.POSTGRES_PASSWORD, vars.BACKSTAGE_DB_PASSWORD);
    assert.equal(resolved.services.keycloak.environment.KC_DB_PASSWORD, vars.KEYCLOAK_DB_PASSWORD);
    // Defaults of the optional variables.
    assert.deepEqual(resolved.services.grafana.ports.map((p: unknown) => String(p).replace(/\/tcp$/, '')), ['127.0.0.1:3000:3000']);
    assert.equal(resolved.services.keycloak.environment.KC_HOSTNAME, 'http://localhost:8080');
  });

  test('optional variables override the defaults', () => {
    const r = compose({ ...sampleEnv(), GRAFANA_PORT: '3300', KEYCLOAK_PORT: '8180', SIM_RPS: '5' }, 'config');
    assert.equal(r.status, 0, r.stderr);
    const resolved = parseYaml(r.stdout);
    assert.deepEqual(resolved.services.grafana.ports.map((p: unknown) => String(p).replace(/\/tcp$/, '')), ['127.0.0.1:3300:3000']);
    assert.equal(resolved.services.grafana.environment.GRAFANA_PUBLIC_URL, 'http://localhost:3300');
    assert.equal(resolved.services.grafana.environment.KEYCLOAK_PUBLIC_URL, 'http://localhost:8180');
    assert.equal(resolved.services.keycloak.environment.KC_HOSTNAME, 'http://localhost:8180');
    assert.equal(resolved.services.keycloak.environment.GRAFANA_PUBLIC_URL, 'http://localhost:3300');
    assert.ok(resolved.services.simulator.command.includes('5'));
  });

  test('the required variables are exactly those of docker/.env.example', () => {
    assert.deepEqual([...requiredComposeVariables().keys()].sort(), [...envExample().required].sort());
  });

  for (const variable of envExample().required) {
    test(`fails with a clear message when ${variable} is missing`, () => {
      const vars = sampleEnv();
      delete vars[variable];
      const r = compose(vars, 'config');
      assert.notEqual(r.status, 0, `docker-compose config succeeded without ${variable}`);
      assert.match(r.stderr, new RegExp(`set ${variable} \\(see docker/\\.env\\.example\\)`), `stderr does not name ${variable}:\n${r.stderr}`);
    });
  }

  test('an empty required variable fails like a missing one', () => {
    const r = compose({ ...sampleEnv(), GRAFANA_SECRET_KEY: '' }, 'config');
    assert.notEqual(r.status, 0, 'docker-compose config succeeded with an empty GRAFANA_SECRET_KEY');
    assert.match(r.stderr, /set GRAFANA_SECRET_KEY/);
  });
});
