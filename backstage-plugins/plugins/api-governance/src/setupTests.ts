/**
 * node:test DOM: a jsdom window installed as the global browser environment before the tests import
 * React, DOMPurify or Testing Library. Loaded with `--import` (see the package's `test` script).
 */
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
