#!/usr/bin/env node
// Checks that the install holds ONE Backstage release: every @backstage/* package in the root lockfile
// has a single version, and every @backstage/* dependency of this workspace's packages names the installed
// one: pinned exactly by the private packages (dev app, backend). The published plugins declare the releases
// they support: a caret on the oldest supported release's version (its release manifest,
// e2e-tests/fresh-app/release-manifest-<release>.json, which the fresh-app test runs them on), joined by
// `|| ^<installed>` when the installed version is on a later line; the installed version must satisfy it.
// Their devDependencies may be either form.
// Run after `npm install` / `npm ci`: node backstage-plugins/scripts/check-backstage-versions.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Whether version `v` satisfies `^base` (x.y.z only, as npm reads a caret: same major, or same minor under 1). */
function caret(v, base) {
  const [a, b] = [v, base].map((x) => x.split('.').map(Number));
  const line = b[0] > 0 ? 1 : b[1] > 0 ? 2 : 3;
  for (let i = 0; i < line; i++) if (a[i] !== b[i]) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}
const satisfies = (v, range) => range.split(' || ').some((r) => caret(v, r.replace(/^\^/, '')));

const workspace = path.resolve(__dirname, '..');
const OLDEST = path.join(workspace, 'e2e-tests', 'fresh-app', 'release-manifest-1.55.0.json');
const oldest = JSON.parse(fs.readFileSync(OLDEST, 'utf8'));
const oldestVersions = new Map(oldest.packages.map((p) => [p.name, p.version]));
const lock = JSON.parse(fs.readFileSync(path.join(workspace, '..', 'package-lock.json'), 'utf8'));
const versions = new Map();
for (const [where, meta] of Object.entries(lock.packages ?? {})) {
  const i = where.lastIndexOf('node_modules/');
  if (i < 0) continue;
  const name = where.slice(i + 'node_modules/'.length);
  if (!name.startsWith('@backstage/')) continue;
  if (!versions.has(name)) versions.set(name, new Set());
  versions.get(name).add(meta.version);
}
const problems = [];
for (const [name, set] of versions) {
  if (set.size > 1) problems.push(`${name} is installed in several versions: ${[...set].join(', ')}`);
}
const dirs = ['packages', 'plugins'].flatMap((d) => {
  const p = path.join(workspace, d);
  return fs.existsSync(p) ? fs.readdirSync(p).map((x) => path.join(p, x)) : [];
});
for (const dir of [workspace, ...dirs]) {
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) continue;
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const installed = [...(versions.get(name) ?? [])];
      const published = !pkg.private && field !== 'devDependencies';
      const form = pkg.private ? /^\d+\.\d+\.\d+$/ : published ? /^\^(\d+\.\d+\.\d+)( \|\| \^\d+\.\d+\.\d+)?$/ : /^\^?\d+\.\d+\.\d+$/;
      const m = form.exec(range);
      if (field !== 'peerDependencies' && !m) {
        problems.push(`${pkg.name}: ${field}.${name} is "${range}"; ${pkg.private ? 'pin the exact release version' : `use ^<${oldest.releaseVersion} version>, with || ^<installed version> when that is a later line`}`);
      }
      if (installed.length === 0) problems.push(`${pkg.name}: ${name} is not installed (run npm install from the repository root)`);
      else if (published && m) {
        if (!installed.every((v) => satisfies(v, range))) problems.push(`${pkg.name}: ${field}.${name} is ${range}, installed ${installed.join(', ')}`);
        const want = oldestVersions.get(name);
        if (want === undefined) problems.push(`${pkg.name}: ${name} is not in Backstage ${oldest.releaseVersion} (${path.relative(workspace, OLDEST)})`);
        else if (m[1] !== want) problems.push(`${pkg.name}: ${field}.${name} is ${range}; the oldest supported release ${oldest.releaseVersion} has ${want}`);
      } else if (field !== 'peerDependencies' && m && !installed.includes(range.replace(/^[\^~]/, ''))) {
        problems.push(`${pkg.name}: ${field}.${name} pins ${range}, installed ${installed.join(', ')}`);
      }
    }
  }
}
const release = JSON.parse(fs.readFileSync(path.join(workspace, 'backstage.json'), 'utf8')).version;
if (problems.length > 0) {
  console.error(`Backstage ${release}: version check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`Backstage ${release}: ${versions.size} @backstage/* packages installed, one version each.`);
