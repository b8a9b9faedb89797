#!/usr/bin/env node
// Checks that the install holds ONE Backstage release: every @backstage/* package in the root lockfile
// has a single version, and every @backstage/* dependency of this workspace's packages names the installed
// one: pinned exactly by the private packages (dev app, backend), as a caret range from it by the published
// plugins (so an app on a later release of the same line installs them without a second copy; their
// devDependencies may be either).
// Run after `npm install` / `npm ci`: node backstage-plugins/scripts/check-backstage-versions.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const workspace = path.resolve(__dirname, '..');
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
      const form = pkg.private ? /^\d+\.\d+\.\d+$/ : field === 'devDependencies' ? /^\^?\d+\.\d+\.\d+$/ : /^\^\d+\.\d+\.\d+$/;
      if (field !== 'peerDependencies' && !form.test(range)) {
        problems.push(`${pkg.name}: ${field}.${name} is "${range}"; ${pkg.private ? 'pin the exact release version' : 'use ^ and the release version'}`);
      }
      if (installed.length === 0) problems.push(`${pkg.name}: ${name} is not installed (run npm install from the repository root)`);
      else if (field !== 'peerDependencies' && !installed.includes(range.replace(/^[\^~]/, ''))) {
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
