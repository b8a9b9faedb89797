import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Last lines of the log, for error messages. */
  tail(lines?: number): string;
  exited(): boolean;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logDir: string;
  /** Resolves when the process is ready to serve. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a server process, logs to a file and waits until `ready()` holds or the process dies. */
export async function startProcess(o: StartOptions): Promise<ManagedProcess> {
  mkdirSync(o.logDir, { recursive: true });
  const logFile = path.join(o.logDir, `${o.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(o.command, o.args, {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exit = { code, signal }; resolve(); }));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const tail = (lines = 30) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const proc: ManagedProcess = {
    name: o.name,
    pid: child.pid ?? -1,
    logFile,
    tail,
    exited: () => exit !== undefined,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (exit) return;
      child.kill(signal);
      const done = await Promise.race([exitPromise.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exitPromise;
      }
      log.end();
    },
  };

  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  let spawnFailed: Error | undefined;
  void spawnError.then((e) => { spawnFailed = e; });
  while (Date.now() < deadline) {
    if (spawnFailed) throw new Error(`${o.name}: cannot start ${o.command}: ${spawnFailed.message}`);
    if (exit) throw new Error(`${o.name} exited (code ${exit.code}, signal ${exit.signal}) before it was ready. Log ${logFile}:\n${tail()}`);
    if (await o.ready().catch(() => false)) return proc;
    await sleep(200);
  }
  await proc.stop('SIGKILL');
  throw new Error(`${o.name} was not ready within ${o.readyTimeoutMs ?? 60_000} ms. Log ${logFile}:\n${tail()}`);
}

/** Readiness probe: an HTTP GET that answers 2xx. */
export function httpOk(url: string): () => Promise<boolean> {
  return async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  };
}
