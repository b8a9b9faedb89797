/**
 * Packages the production build (dist/) as Grafana installs plugins: `<id>-<version>.zip` whose single
 * top folder is the plugin id, plus that folder unzipped beside it (what docker-compose mounts).
 * Refuses a build that Grafana would reject or show badly: placeholders left in plugin.json, missing
 * version / grafanaDependency, logos or screenshots that do not exist, no README / LICENSE / CHANGELOG.
 *
 *   node --conditions=source --import tsx scripts/package-plugin.ts [--dist dist] [--out ../../.pack/grafana]
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zip } from './zip';

export interface PluginPackage {
  id: string;
  version: string;
  /** The archive. */
  zip: string;
  /** The archive's top folder, unzipped. */
  folder: string;
  /** Paths inside the archive, directories included (ending with `/`). */
  entries: string[];
}

const REQUIRED_FILES = ['module.js', 'plugin.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
/** create-plugin's webpack replaces these in plugin.json and the README; one left means a broken build. */
const PLACEHOLDER = /%(VERSION|TODAY|PLUGIN_ID|PLUGIN_NAME)%/;
/** Test sources and their recorded fixtures never ship. */
const TEST_FILE = /(^|\/)test\/|\.test\./;

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? [`${path.relative(base, p).split(path.sep).join('/')}/`, ...walk(p, base)] : [path.relative(base, p).split(path.sep).join('/')];
    })
    .sort();
}

/** What is wrong with a built plugin folder, in words; empty when Grafana can install it. */
export function checkPluginDir(dist: string): string[] {
  if (!existsSync(dist)) return [`${dist} does not exist (run \`npm run build -w grafana-plugins/api-observatory-app\`)`];
  const problems = REQUIRED_FILES.filter((f) => !existsSync(path.join(dist, f))).map((f) => `${f} is missing`);
  if (!existsSync(path.join(dist, 'plugin.json'))) return problems;
  const text = readFileSync(path.join(dist, 'plugin.json'), 'utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return [...problems, `plugin.json is not JSON: ${(e as Error).message}`];
  }
  const placeholder = PLACEHOLDER.exec(text);
  if (placeholder) problems.push(`plugin.json still holds the placeholder ${placeholder[0]}`);
  if (existsSync(path.join(dist, 'README.md'))) {
    const p = PLACEHOLDER.exec(readFileSync(path.join(dist, 'README.md'), 'utf8'));
    if (p) problems.push(`README.md still holds the placeholder ${p[0]}`);
  }
  if (typeof json.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*-(app|panel|datasource)$/.test(json.id)) problems.push(`plugin.json id ${JSON.stringify(json.id)} is not <org>-<name>-<type>`);
  if (!['app', 'panel', 'datasource'].includes(json.type)) problems.push(`plugin.json type ${JSON.stringify(json.type)} is not app, panel or datasource`);
  if (typeof json.info?.version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(json.info.version)) problems.push(`plugin.json info.version ${JSON.stringify(json.info?.version)} is not a semver version`);
  if (typeof json.info?.updated !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(json.info.updated)) problems.push(`plugin.json info.updated ${JSON.stringify(json.info?.updated)} is not a date`);
  if (typeof json.dependencies?.grafanaDependency !== 'string' || !/^(>=|\^|~)?\d+\.\d+\.\d+/.test(json.dependencies.grafanaDependency)) problems.push(`plugin.json dependencies.grafanaDependency ${JSON.stringify(json.dependencies?.grafanaDependency)} is not a version range`);
  const images = [json.info?.logos?.small, json.info?.logos?.large, ...(json.info?.screenshots ?? []).map((s: { path?: string }) => s.path)];
  for (const img of images) {
    if (typeof img !== 'string' || !existsSync(path.join(dist, img))) problems.push(`plugin.json names the image ${JSON.stringify(img)}, which is not in the build`);
  }
  if (!(json.info?.screenshots?.length > 0)) problems.push('plugin.json info.screenshots is empty');
  const tests = walk(dist).filter((f) => TEST_FILE.test(f));
  if (tests.length) problems.push(`test files in the build: ${tests.join(', ')}`);
  return problems;
}

/** Checks dist/ and writes `<out>/<id>-<version>.zip` and `<out>/<id>/`; throws listing every problem. */
export function packagePlugin(dist: string, out: string): PluginPackage {
  const problems = checkPluginDir(dist);
  if (problems.length) throw new Error(`the plugin build in ${dist} cannot be packaged:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const json = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
  const id: string = json.id;
  const version: string = json.info.version;
  const files = walk(dist);
  const entries = [`${id}/`, ...files.map((f) => `${id}/${f}`)];
  const archive = zip(entries.map((name) => (name.endsWith('/') ? { name } : { name, data: readFileSync(path.join(dist, name.slice(id.length + 1))) })));
  mkdirSync(out, { recursive: true });
  const zipPath = path.join(out, `${id}-${version}.zip`);
  writeFileSync(zipPath, archive);
  const folder = path.join(out, id);
  rmSync(folder, { recursive: true, force: true });
  cpSync(dist, folder, { recursive: true });
  return { id, version, zip: zipPath, folder, entries };
}

function main(argv: string[]): number {
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]!) : fallback;
  };
  const appDir = path.resolve(__dirname, '..');
  const dist = arg('--dist', path.join(appDir, 'dist'));
  const out = arg('--out', path.resolve(appDir, '../../.pack/grafana'));
  try {
    const p = packagePlugin(dist, out);
    console.log(`${path.relative(process.cwd(), p.zip)} (${statSync(p.zip).size} bytes, ${p.entries.length} entries) and ${path.relative(process.cwd(), p.folder)}/`);
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
