/**
 * Benchmark (not a test): our AsyncAPI widget vs @asyncapi/react-component (what api-docs uses today),
 * side by side in headless Chromium on generated AsyncAPI 3.0 documents with 10 / 100 / 500 channels.
 *
 *   node --conditions=source --import tsx backstage-plugins/plugins/asyncapi-viewer/bench/asyncapi.ts [--runs 3] [--sizes 10,100,500] [--only ours]
 *
 * Each widget is bundled by esbuild into a standalone page (React 18 included, production mode, minified).
 * Per document: time from the render call to the first channel visible in the DOM ("first usable"), to the
 * last DOM mutation before 1.5 s of quiet ("settled"), DOM element count and JS heap after a GC.
 */
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { parseYaml } from '@api-observatory/safe-yaml';

const PLUGIN_DIR = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const argv = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : def;
};
const RUNS = Number(arg('runs', '3'));
const SIZES = arg('sizes', '10,100,500').split(',').map(Number);
const ONLY = arg('only', '');
const SETTLE_QUIET_MS = 1500;
const TIMEOUT_MS = 120_000;

/** A realistic event API: n channels, 2 messages each (shared nested schemas), Kafka bindings, tags. */
export function generateDocument(n: number): string {
  const L: string[] = [
    'asyncapi: 3.0.0',
    'info:',
    `  title: Generated ${n}`,
    '  version: 1.0.0',
    '  description: Generated for the benchmark. **Markdown** with a [link](https://example.com).',
    'servers:',
    '  production:',
    '    host: kafka.example:9092',
    '    protocol: kafka',
    'channels:',
  ];
  const id = (i: number) => String(i).padStart(4, '0');
  for (let i = 0; i < n; i++) {
    L.push(
      `  ch${id(i)}:`,
      `    address: acme.topic-${id(i)}.v1`,
      `    description: Events of entity ${i}, keyed by id.`,
      '    messages:',
      `      created${id(i)}:`,
      "        $ref: '#/components/messages/Created'",
      `      deleted${id(i)}:`,
      '        name: Deleted',
      '        payload:',
      "          $ref: '#/components/schemas/Envelope'",
      '    bindings:',
      '      kafka:',
      `        topic: acme.topic-${id(i)}.v1`,
      '        partitions: 6',
      '        replicas: 3',
    );
  }
  L.push('operations:');
  for (let i = 0; i < n; i++) {
    L.push(
      `  send${id(i)}:`,
      '    action: send',
      `    channel: { $ref: '#/channels/ch${id(i)}' }`,
      `    summary: Publish events of entity ${i}.`,
      '    tags: [{ name: ' + (i % 3 === 0 ? 'billing' : 'catalog') + ' }]',
      `  receive${id(i)}:`,
      '    action: receive',
      `    channel: { $ref: '#/channels/ch${id(i)}' }`,
      '    bindings: { kafka: { groupId: { type: string, enum: [consumer] } } }',
    );
  }
  L.push(
    'components:',
    '  messages:',
    '    Created:',
    '      name: Created',
    '      contentType: application/json',
    '      headers: { type: object, properties: { traceparent: { type: string } } }',
    "      payload: { $ref: '#/components/schemas/Envelope' }",
    '      bindings: { kafka: { key: { type: string, format: uuid } } }',
    '      examples: [{ name: one, payload: { id: "1", data: { amount: 1 } } }]',
    '  schemas:',
    '    Envelope:',
    '      type: object',
    '      required: [id]',
    '      properties:',
    '        id: { type: string, format: uuid }',
    '        occurredAt: { type: string, format: date-time }',
    "        data: { $ref: '#/components/schemas/Data' }",
    '    Data:',
    '      type: object',
    '      properties:',
    '        amount: { type: number, minimum: 0 }',
    '        currency: { type: string, enum: [EUR, USD] }',
    '        lines: { type: array, items: { type: object, properties: { sku: { type: string }, qty: { type: integer } } } }',
  );
  return L.join('\n');
}

interface Bundle {
  name: string;
  js: string;
  css: string;
  gzipBytes: number;
  /** Renders `window.__DOC` into #root (installed by the page). */
}

/**
 * Node built-ins that @asyncapi/parser (and its Spectral / avsc dependencies) import: mapped to the same
 * browser polyfills the Backstage CLI's webpack config uses; `fs` and friends become empty modules.
 */
const NODE_POLYFILLS: Record<string, string | null> = {
  buffer: 'buffer/', stream: 'stream-browserify', util: 'util/', path: 'path-browserify', events: 'events/',
  url: 'url/', assert: 'assert/', os: 'os-browserify/browser', crypto: 'crypto-browserify', process: 'process/browser',
  string_decoder: 'string_decoder/', fs: null, 'fs/promises': null, child_process: null, module: null, net: null, tls: null, http: null, https: null, zlib: null, vm: null, worker_threads: null,
};
const nodePolyfills: Plugin = {
  name: 'node-polyfills',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, async (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!(name in NODE_POLYFILLS)) return undefined;
      const target = NODE_POLYFILLS[name];
      if (target === null) return { path: name, namespace: 'empty' };
      const r = await b.resolve(target, { resolveDir: PLUGIN_DIR, kind: 'import-statement' });
      return { path: r.path };
    });
    // its UMD `main` requires its own files dynamically; take the ESM build (what webpack picks)
    b.onResolve({ filter: /^jsonc-parser$/ }, async () => ({ path: (await b.resolve('jsonc-parser/lib/esm/main.js', { resolveDir: PLUGIN_DIR, kind: 'import-statement' })).path }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

async function bundle(dir: string, name: string, entrySource: string): Promise<Bundle> {
  const entry = path.join(PLUGIN_DIR, 'bench', `.entry-${name}.tsx`);
  writeFileSync(entry, entrySource);
  try {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      jsx: 'automatic',
      outdir: path.join(dir, name),
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
      inject: name === 'reference' ? [path.join(PLUGIN_DIR, 'bench', 'node-globals.js')] : [],
      plugins: name === 'reference' ? [nodePolyfills] : [],
      loader: { '.css': 'css' },
      logLevel: 'silent',
      write: false,
    });
    const js = out.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => f.text).join('\n');
    const css = out.outputFiles.filter((f) => f.path.endsWith('.css')).map((f) => f.text).join('\n');
    return { name, js, css, gzipBytes: gzipSync(js + css, { level: 9 }).length };
  } finally {
    rmSync(entry, { force: true });
  }
}

const OURS_ENTRY = `
import { createRoot } from 'react-dom/client';
import { AsyncApiViewer } from '../src/components/AsyncApiViewer';
import { parseAsyncApi } from '../src/model';
(window as any).__render = (doc: string) => createRoot(document.getElementById('root')!).render(<AsyncApiViewer definition={doc} />);
(window as any).__parseMs = (doc: string) => { const t = performance.now(); parseAsyncApi(doc); return performance.now() - t; };
`;
const REFERENCE_ENTRY = `
import { createRoot } from 'react-dom/client';
import AsyncApiComponent from '@asyncapi/react-component';
import '@asyncapi/react-component/styles/default.min.css';
(window as any).__render = (doc: string) => createRoot(document.getElementById('root')!).render(<AsyncApiComponent schema={doc} config={{ show: { sidebar: false } }} />);
`;

interface Sample {
  firstUsableMs: number;
  settledMs: number;
  domNodes: number;
  heapMB: number;
  /** Ours only: parseAsyncApi alone (YAML + normalization), measured again after the render. */
  parseMs: number;
}

async function measure(browser: Browser, dir: string, b: Bundle, doc: string, marker: string): Promise<Sample> {
  const html = path.join(dir, `${b.name}.html`);
  writeFileSync(html, `<!doctype html><html><head><meta charset="utf-8"><style>${b.css}</style></head><body><div id="root"></div><script>${b.js.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    // tsx (keepNames) wraps functions in __name(); the functions below run in the page
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(pathToFileURL(html).href);
    await page.evaluate((d) => ((window as unknown as { __DOC: string }).__DOC = d), doc);
    if (pageErrors.length) throw new Error(`page error while loading the bundle: ${pageErrors[0]}`);
    const result = await page.evaluate(
      ({ marker, quiet, timeout }) =>
        new Promise<{ firstUsableMs: number; settledMs: number }>((resolve, reject) => {
          const w = window as unknown as { __render(doc: string): void; __DOC: string };
          const xpath = `//*[text()[contains(., ${JSON.stringify(marker)})]]`;
          let first = -1;
          let last = performance.now();
          const start = performance.now();
          new MutationObserver(() => (last = performance.now())).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          const poll = () => {
            if (first < 0 && document.evaluate(xpath, document.body, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue) first = performance.now() - start;
            const now = performance.now();
            if (first >= 0 && now - last > quiet) return resolve({ firstUsableMs: first, settledMs: last - start });
            if (now - start > timeout) return reject(new Error(`not rendered within ${timeout} ms (first usable: ${first})`));
            requestAnimationFrame(poll);
          };
          w.__render(w.__DOC);
          requestAnimationFrame(poll);
        }),
      { marker, quiet: SETTLE_QUIET_MS, timeout: TIMEOUT_MS },
    );
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    const parseMs = await page.evaluate(() => {
      const w = window as unknown as { __parseMs?: (d: string) => number; __DOC: string };
      return w.__parseMs ? w.__parseMs(w.__DOC) : NaN;
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return { ...result, domNodes, heapMB: usedSize / 1024 / 1024, parseMs };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asyncapi-bench-'));
  const bundles: Bundle[] = [];
  const failures: string[] = [];
  bundles.push(await bundle(dir, 'ours', OURS_ENTRY));
  if (ONLY !== 'ours') try {
    bundles.push(await bundle(dir, 'reference', REFERENCE_ENTRY));
  } catch (e) {
    failures.push(`@asyncapi/react-component could not be bundled: ${(e as Error).message.split('\n').slice(0, 6).join(' ')}`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const rows: string[][] = [];
  const results = new Map<string, Sample>();
  try {
    const cases: { n: number; label: string; doc: string; widgets: string[] }[] = SIZES.map((n) => ({ n, label: String(n), doc: generateDocument(n), widgets: bundles.map((b) => b.name) }));
    // the same 500-channel document as JSON: what is left once YAML parsing is out of the way
    if (SIZES.includes(500)) cases.push({ n: 500, label: '500 (JSON)', doc: JSON.stringify(parseYaml(generateDocument(500))), widgets: ['ours'] });
    for (const { n, label, doc, widgets } of cases) {
      for (const b of bundles.filter((x) => widgets.includes(x.name))) {
        const runs = b.name === 'reference' && n >= 500 ? 1 : RUNS;
        const samples: Sample[] = [];
        for (let r = 0; r < runs; r++) {
          try {
            samples.push(await measure(browser, dir, b, doc, 'acme.topic-0000.v1'));
          } catch (e) {
            failures.push(`${b.name} @ ${n} channels: ${(e as Error).message}`);
            break;
          }
        }
        if (samples.length === 0) continue;
        const s: Sample = {
          firstUsableMs: median(samples.map((x) => x.firstUsableMs)),
          settledMs: median(samples.map((x) => x.settledMs)),
          domNodes: median(samples.map((x) => x.domNodes)),
          heapMB: median(samples.map((x) => x.heapMB)),
          parseMs: median(samples.map((x) => x.parseMs)),
        };
        if (label === String(n)) results.set(`${b.name}:${n}`, s);
        rows.push([b.name === 'ours' ? 'asyncapi-viewer (ours)' : '@asyncapi/react-component 2.6.5', label, `${(doc.length / 1024).toFixed(0)} KB`, s.firstUsableMs.toFixed(0), s.settledMs.toFixed(0), String(s.domNodes), s.heapMB.toFixed(1), Number.isNaN(s.parseMs) ? '-' : s.parseMs.toFixed(0), String(samples.length)]);
        process.stderr.write(`${b.name} ${label}: first ${s.firstUsableMs.toFixed(0)} ms, settled ${s.settledMs.toFixed(0)} ms, ${s.domNodes} nodes\n`);
      }
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['widget', 'channels', 'doc', 'first usable ms', 'settled ms', 'DOM elements', 'JS heap MB', 'of which parse ms', 'runs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
  console.log('');
  for (const b of bundles) console.log(`bundle ${b.name}: ${(b.gzipBytes / 1024).toFixed(1)} KB gzip (standalone page incl. React 18${b.css ? ' + CSS' : ''}, ${((b.js.length + b.css.length) / 1024).toFixed(0)} KB minified)`);
  const widgetOnly = await build({
    stdin: { contents: "export { AsyncApiViewer } from './src/components/AsyncApiViewer';", resolveDir: PLUGIN_DIR, loader: 'ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', jsx: 'automatic', write: false, logLevel: 'silent',
    external: ['react', 'react-dom', 'react/jsx-runtime'], define: { 'process.env.NODE_ENV': '"production"' },
  });
  console.log(`bundle ours without React (what the app's lazy chunk adds): ${(gzipSync(widgetOnly.outputFiles[0].contents, { level: 9 }).length / 1024).toFixed(1)} KB gzip`);
  for (const n of SIZES) {
    const o = results.get(`ours:${n}`);
    const r = results.get(`reference:${n}`);
    if (o && r) console.log(`${n} channels: ${(r.settledMs / o.settledMs).toFixed(1)}× faster to settled DOM, ${(r.firstUsableMs / o.firstUsableMs).toFixed(1)}× to first usable, ${(r.domNodes / o.domNodes).toFixed(0)}× fewer DOM elements`);
  }
  for (const f of failures) console.log(`NOTE: ${f}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (other jobs share the cores)`);
}

if (require.main === module) main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
