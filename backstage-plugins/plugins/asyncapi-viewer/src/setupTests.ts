/**
 * node:test DOM: a jsdom window installed as the global browser environment before the tests import
 * React, DOMPurify or Testing Library. Loaded with `--import` (see the package's `test` script).
 */
import Module from 'node:module';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/', pretendToBeVisual: true });
const g = globalThis as Record<string, unknown>;
const win = dom.window as unknown as Record<string, unknown>;
g.window = dom.window;
for (const key of Object.getOwnPropertyNames(win)) {
  if (key in g) continue;
  try {
    g[key] = win[key];
  } catch {
    // read-only globals
  }
}
g.IS_REACT_ACT_ENVIRONMENT = true;

// Backstage's component packages import images, fonts and CSS, which their bundler handles; the test
// runner loads them as stubs (file name for assets, nothing for CSS).
const extensions = (Module as unknown as { _extensions: Record<string, (m: { exports: unknown }, file: string) => void> })._extensions;
for (const ext of ['.svg', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.woff', '.woff2', '.ttf', '.eot']) extensions[ext] = (m, file) => (m.exports = { default: file, __esModule: true });
for (const ext of ['.css']) extensions[ext] = (m) => (m.exports = {});
