import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the first parent holding scripts/tools/versions.env. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'scripts', 'tools', 'versions.env'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository root above ${from}`);
    dir = up;
  }
}

export type Tool = 'prometheus' | 'promtool' | 'otelcol' | 'jaeger';

/** Path of a built tool; a clear error tells how to build it when it is missing. */
export function toolPath(tool: Tool): string {
  const p = path.join(repoRoot(), '.tools', 'bin', tool);
  if (!existsSync(p)) throw new Error(`${tool} is not built: run \`npm run setup\` (it builds Prometheus, the collector and Jaeger from Go modules)`);
  return p;
}

/** Folder for a run's data and logs, under the git-ignored .run/. */
export function runDir(name: string): string {
  return path.join(repoRoot(), '.run', name);
}
