/**
 * Loads the built dist/module.js the way Grafana does: an AMD module evaluated with a `define` that
 * supplies Grafana's shared modules (react, @grafana/data, @grafana/ui, @grafana/runtime, ...). Needs a
 * build first (`npm run build`; `npm test` at the repository root builds before testing): without dist/
 * the tests fail, saying so.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import path from 'path';
import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppPlugin, PluginType } from '@grafana/data';

const DIST = path.join(__dirname, '..', 'dist');
const MODULE = path.join(DIST, 'module.js');
const built = existsSync(MODULE);

/** What Grafana's SystemJS provides to plugins as shared modules (a subset; the test fails on any other). */
const SHARED: Record<string, () => unknown> = {
  react: () => require('react'),
  'react-dom': () => require('react-dom'),
  'react/jsx-runtime': () => require('react/jsx-runtime'),
  'react-router': () => require('react-router'),
  'react-router-dom': () => require('react-router-dom'),
  rxjs: () => require('rxjs'),
  lodash: () => require('lodash'),
  '@emotion/css': () => require('@emotion/css'),
  '@emotion/react': () => require('@emotion/react'),
  '@grafana/data': () => require('@grafana/data'),
  '@grafana/ui': () => require('@grafana/ui'),
  '@grafana/runtime': () => require('@grafana/runtime'),
  // Grafana initialises i18next before loading plugins; the stub resolves the plugin's translation init at once.
  '@grafana/i18n': () => ({ ...require('@grafana/i18n'), initPluginTranslations: async () => ({}) }),
  '@grafana/schema': () => require('@grafana/schema'),
  i18next: () => require('i18next'),
  module: () => ({ uri: '/public/plugins/api-observatory-app/module.js' }),
};

/**
 * Webpack loads lazy chunks (pages, translations) by appending <script src> tags, which Grafana's page
 * executes: here the chunk file is read from dist/ and evaluated, then the tag's onload fires.
 */
function serveChunksFromDist() {
  const append = document.head.appendChild.bind(document.head);
  jest.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T): T => {
    const el = node as unknown as HTMLScriptElement;
    if (el.tagName === 'SCRIPT' && el.src) {
      const file = path.join(DIST, new URL(el.src, 'http://grafana.invalid').pathname.split('/').pop()!);
      setTimeout(() => {
        try {
          // The chunk is evaluated as the script Grafana's loader would insert (jsdom does not run scripts).
          // eslint-disable-next-line no-eval
          (0, eval)(readFileSync(file, 'utf8'));
          el.onload?.(new Event('load'));
        } catch (e) {
          el.onerror?.(new Event('error'));
          throw e;
        }
      }, 0);
      return node;
    }
    return append(node);
  });
}

async function loadAmd(file: string): Promise<{ deps: string[]; exports: Record<string, unknown> }> {
  const code = readFileSync(file, 'utf8');
  let deps: string[] = [];
  let result: unknown;
  const define = (a: unknown, b?: unknown) => {
    const d = Array.isArray(a) ? (a as string[]) : [];
    const factory = (Array.isArray(a) ? b : a) as (...m: unknown[]) => unknown;
    deps = d;
    const missing = d.filter((x) => !SHARED[x]);
    if (missing.length) {
      throw new Error(`module.js needs modules Grafana does not share: ${missing.join(', ')}`);
    }
    result = factory(...d.map((x) => SHARED[x]!()));
  };
  (define as unknown as { amd: object }).amd = {};
  new Function('define', code)(define);
  const exports = (await result) as Record<string, unknown>;
  return { deps, exports };
}

describe('dist/module.js loaded like Grafana loads plugins', () => {
  it('dist/module.js exists (run `npm run build -w grafana-plugins/api-observatory-app` first)', () => {
    expect({ built, dist: DIST }).toEqual({ built: true, dist: DIST });
  });

  it('is an AMD module whose dependencies are Grafana shared modules only, exporting an AppPlugin', async () => {
    serveChunksFromDist();
    const { deps, exports } = await loadAmd(MODULE);
    expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data', '@grafana/ui']));
    expect(deps).not.toContain('@grafana/scenes'); // bundled: Grafana does not share it
    const plugin = exports.plugin;
    expect(plugin).toBeInstanceOf(AppPlugin);
    const app = plugin as AppPlugin;
    expect(typeof app.root).toBe('function');
    expect(app.configPages?.map((p) => p.id)).toEqual(['configuration']);
  });

  it('ships plugin.json with the app id and one page per contract page id', () => {
    const json = JSON.parse(readFileSync(path.join(DIST, 'plugin.json'), 'utf8'));
    expect(json.id).toBe('api-observatory-app');
    expect(json.type).toBe('app');
    const pages = json.includes.filter((i: { type: string; path: string }) => i.type === 'page' && i.path.startsWith('/a/'));
    expect(pages.map((p: { path: string }) => p.path)).toEqual(['overview', 'platform', 'product', 'developer', 'canary'].map((p) => `/a/api-observatory-app/${p}`));
  });

  it('ships no test files (the recorded fixtures under src/test/ stay out of dist)', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(DIST, path.join(dir, e.name))]));
    expect(walk(DIST).filter((f) => /(^|[\\/])test[\\/]|\.test\./.test(f))).toEqual([]);
  });

  it('the lazy chunks referenced by module.js exist in dist', () => {
    const code = readFileSync(MODULE, 'utf8');
    const chunks = readFileSync(MODULE, 'utf8').match(/"(\d+)":"[0-9a-f]+"/g) ?? [];
    expect(code.length).toBeGreaterThan(0);
    for (const c of chunks) {
      expect(existsSync(path.join(DIST, `${/"(\d+)"/.exec(c)![1]}.js`))).toBe(true);
    }
  });

  it('the configuration page from dist validates inline YAML gate configs (anchors, aliases, errors with line and column)', async () => {
    serveChunksFromDist();
    const { exports } = await loadAmd(MODULE);
    const Body = (exports.plugin as AppPlugin).configPages![0]!.body as unknown as React.ComponentType<Record<string, unknown>>;
    const meta = { id: 'api-observatory-app', name: 'API Observatory', type: PluginType.app, module: '', baseUrl: '', enabled: true, pinned: true, jsonData: {}, info: {} };
    render(React.createElement(Body, { plugin: { meta }, query: {} }));
    await userEvent.click(await screen.findByLabelText('Inline YAML / JSON'));
    const input = screen.getByTestId('data-testid ac-gate-config');
    const paste = async (text: string) => {
      await userEvent.clear(input);
      input.focus();
      await userEvent.paste(text);
    };
    const metric = (name: string, rest: string[]) => [`  - name: ${name}`, '    query: errorRatio', '    direction: increase', ...rest];
    await paste(['name: inline', 'metrics:', ...metric('errors', ['    guard: &guard { max: 0.05 }']), ...metric('errors_again', ['    guard: *guard', '    critical: true']), ''].join('\n'));
    await waitFor(() => expect(screen.queryByTestId('data-testid ac-gate-errors')).not.toBeInTheDocument());
    await paste(['metrics:', ...metric('errors', ['    critical: yes']), ''].join('\n'));
    expect(await screen.findByTestId('data-testid ac-gate-errors')).toHaveTextContent(/critical/);
    await paste('metrics:\n  - name: errors\n    guard: { max: 0.05\n    direction: increase\n');
    await waitFor(() => expect(screen.getByTestId('data-testid ac-gate-errors')).toHaveTextContent(/not valid YAML: .* at line 4, column \d+/));
  });
});
