import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const CLI = path.join(__dirname, '..', 'src', 'cli.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

test('bad sandbox flags exit 2 naming the flag, before anything starts', () => {
  for (const [args, message] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--gateway', 'nginx'], /--gateway must be kong, apisix or both/],
    [['--rps=-3'], /--rps must be an integer/],
    [['--rps', 'fast'], /--rps must be an integer/],
    [['--canary', 'chaos'], /--canary must be one of healthy, regression, latency, low-traffic, no-data, noisy-baseline, got "chaos"/],
    [['--canary', 'constructor'], /--canary must be one of/],
    [['--scenario', 'healthy'], /Unknown option '--scenario'/],
    [['--prometheus-port', '70000'], /--prometheus-port must be an integer from 1 to 65535/],
    [['--run-name', '../etc'], /--run-name must be a folder name/],
    [['--keycloak-port', 'x'], /--keycloak-port must be an integer from 1 to 65535/],
    [['--keycloak=yes'], /--keycloak/],
    [['--keycloak', '--no-keycloak'], /--no-keycloak contradicts --keycloak/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: npm start/);
    assert.doesNotMatch(r.stdout, /starting the sandbox/);
  }
});

test('--help prints the usage with every canary scenario and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--no-backstage/);
  assert.match(r.stdout, /--keycloak/);
  assert.match(r.stdout, /--canary healthy\|regression\|latency\|low-traffic\|no-data\|noisy-baseline/);
});
