/** Starts server-main.ts in a child process and waits for its `LISTENING <url>` line (restart test, benchmark). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const SERVER_MAIN = path.join(__dirname, 'server-main.ts');

export async function startServerProcess(
  args: string[],
  o: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string; ipc?: boolean } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.env };
  delete env.NODE_TEST_CONTEXT; // the child is a server, not a test file
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...(o.nodeArgs ?? []), SERVER_MAIN, ...args], {
    cwd: o.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(o.ipc ? (['ipc'] as const) : [])],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error(`server not listening in 60 s: ${err}`)), 60_000).unref();
  });
  return { url, child };
}
