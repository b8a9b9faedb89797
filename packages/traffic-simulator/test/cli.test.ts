import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const PKG = join(__dirname, '..');
const CLI = join(PKG, 'src', 'cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], o: { untilStderr?: RegExp; signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${stderr}`));
    }, o.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (o.untilStderr && !signalled && o.untilStderr.test(stderr)) {
        signalled = true;
        child.kill(o.signal ?? 'SIGTERM');
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function usageError(args: string[], flag: string): Promise<void> {
  const r = await cli(args);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.ok(lines[0]!.startsWith('api-traffic-sim: '), lines[0]);
  assert.ok(lines[0]!.includes(flag), `${lines[0]} names ${flag}`);
}

describe('CLI usage errors exit 2 with one line naming the flag', () => {
  it('unknown gateway version', () => usageError(['live', '--gateway', 'kong@1.0'], '--gateway'));
  it('gateway given twice', () => usageError(['live', '--gateway', 'kong@2.8,kong@3.4'], '--gateway'));
  it('unknown flag', () => usageError(['live', '--gateway', 'kong', '--bogus', '1'], '--bogus'));
  it('non-numeric rate', () => usageError(['live', '--gateway', 'kong', '--rps', 'abc'], '--rps'));
  it('zero rate', () => usageError(['live', '--gateway', 'kong', '--rps', '0'], '--rps'));
  it('negative duration', () => usageError(['live', '--gateway', 'kong', '--duration', '-5s'], '--duration'));
  it('unknown gateway', () => usageError(['live', '--gateway', 'nginx'], '--gateway'));
  it('unknown scenario', () => usageError(['live', '--gateway', 'kong', '--scenario', 'chaos'], '--scenario'));
  it('unknown canary API', () => usageError(['live', '--gateway', 'kong', '--canary-api', 'billing'], '--canary-api'));
  it('bad backfill start', () => usageError(['backfill', '--gateway', 'kong', '--out', '/dev/null', '--start', 'yesterday'], '--start'));
  it('missing backfill out', () => usageError(['backfill', '--gateway', 'kong'], '--out'));
  it('clients without a token URL', () => usageError(['live', '--gateway', 'kong', '--clients', 'acme-web'], '--token-url'));
  it('token URL without clients', () => usageError(['live', '--gateway', 'kong', '--token-url', 'http://127.0.0.1:1/token'], '--clients'));
  it('token URL not http(s)', () => usageError(['live', '--gateway', 'kong', '--token-url', 'file:///etc/passwd', '--clients', 'a'], '--token-url'));
  it('client secret missing from the environment', () => usageError(['live', '--gateway', 'kong', '--token-url', 'http://127.0.0.1:1/token', '--clients', 'a'], '--clients'));
  it('port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await usageError(['live', '--gateway', 'kong', '--port', String(port), '--otlp-endpoint', 'none', '--duration', '1s'], '--port');
    } finally {
      blocker.close();
    }
  });
});

describe('CLI runs', () => {
  it('live: stops cleanly on SIGTERM and writes the summary file', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'summary.json');
    const r = await cli(['live', '--gateway', 'kong', '--port', '0', '--otlp-endpoint', 'none', '--rps', '200', '--progress-interval', '200ms', '--summary-file', file], {
      untilStderr: /requests=[1-9]\d*/,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /serving kong 3\.9\.1 metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    assert.match(r.stderr, /stopped: \d+ requests/);
    const summary = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(summary.schema, 'api-traffic-sim/summary@1');
    assert.ok(summary.totals.requests > 0);
    assert.deepEqual(summary.gateways, ['kong']);
    assert.deepEqual(summary.profiles, ['kong@3.9'], 'the newest profile by default');
  });

  it('live --gateway kong@2.8,apisix@3.11 plays those versions', async () => {
    const r = await cli(['live', '--gateway', 'kong@2.8,apisix@3.11', '--port', '0', '--otlp-endpoint', 'none', '--duration', '300ms']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /serving kong 2\.8\.5 metrics at .*\/metrics/);
    assert.match(r.stderr, /serving apisix 3\.11\.0 metrics at .*\/apisix\/prometheus\/metrics/);
  });

  it('backfill: writes OpenMetrics ending with # EOF and reports progress', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'out.om');
    const r = await cli(['backfill', '--gateway', 'apisix', '--out', file, '--start', '-10m', '--end', 'now', '--step', '60s', '--apis', '1', '--consumers', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /backfill done: series \d+\/\d+/);
    const text = await readFile(file, 'utf8');
    assert.ok(text.endsWith('# EOF\n'));
    assert.match(text, /^# HELP apigw_requests /m);
  });
});
