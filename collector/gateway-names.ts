/**
 * Writes the collector overlay that turns gateway ids back into the names the catalog uses.
 *
 * Kong labels an unnamed route with its id and an unnamed service with its upstream host; APISIX
 * without `prefer_name: true` labels routes and services with their ids (collector/GATEWAY-FORMATS.md).
 * The naming convention (`<api>-<version>-<role>`) needs names, so this reads the gateways' admin API
 * output and writes `transform/gateway_names` statements: for each id, the name, and for services also
 * the api, version and role the contract's parseGatewayService() reads from it.
 *
 * Kong objects without a name get theirs from a tag `observatory-name:<name>`; objects with neither are
 * reported (their series keep the id, visible as API `<id>` version `unknown`).
 *
 *   node --conditions=source --import tsx collector/gateway-names.ts \
 *     [--kong-services services.json] [--kong-routes routes.json] \
 *     [--apisix-services services.json] [--apisix-routes routes.json] > gateway-names.yaml
 *   otelcol --config collector/config.yaml --config gateway-names.yaml
 *
 * Inputs are the admin APIs' JSON as returned: Kong `GET /services` and `GET /routes` ({"data": [...]},
 * all pages concatenated or one file per page merged beforehand), APISIX `GET /apisix/admin/services` and
 * `GET /apisix/admin/routes` ({"list": [{"value": {...}}]}).
 */
import { readFileSync } from 'node:fs';
import { LABELS, parseGatewayService, type Gateway } from '@api-observatory/telemetry-contract';

export const NAME_TAG = 'observatory-name:';

export interface NameMapping {
  gateway: Gateway;
  kind: 'service' | 'route';
  /** The label value the gateway's metrics carry (id, or Kong's service host). */
  value: string;
  name: string;
}

export interface GatewayNames {
  mappings: NameMapping[];
  /** Objects whose series will keep their id (no name found), and ambiguous values. */
  warnings: string[];
}

export class GatewayNamesError extends Error {}

type Json = Record<string, unknown>;

function objects(doc: unknown, source: string, shape: 'kong' | 'apisix'): Json[] {
  const list = shape === 'kong' ? (doc as Json | null)?.data : (doc as Json | null)?.list;
  if (!Array.isArray(list)) throw new GatewayNamesError(`${source}: expected ${shape === 'kong' ? '{"data": [...]} (Kong admin API)' : '{"list": [...]} (APISIX admin API)'}`);
  return list.map((item, i) => {
    const o = shape === 'apisix' ? (item as Json | null)?.value : item;
    if (typeof o !== 'object' || o === null) throw new GatewayNamesError(`${source}: ${shape === 'kong' ? 'data' : 'list'}[${i}] is not an object`);
    const id = (o as Json).id;
    if (typeof id !== 'string' && typeof id !== 'number') throw new GatewayNamesError(`${source}: ${shape === 'kong' ? 'data' : 'list'}[${i}] has no id`);
    return o as Json;
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function tagName(o: Json): string | undefined {
  const tags = Array.isArray(o.tags) ? o.tags : [];
  const t = tags.find((x): x is string => typeof x === 'string' && x.startsWith(NAME_TAG));
  return t === undefined ? undefined : str(t.slice(NAME_TAG.length));
}

/** Mappings from parsed admin API documents (any of them may be absent). */
export function gatewayNames(docs: { kongServices?: unknown; kongRoutes?: unknown; apisixServices?: unknown; apisixRoutes?: unknown }, sources: Partial<Record<keyof typeof docs, string>> = {}): GatewayNames {
  const warnings: string[] = [];
  const found = new Map<string, { m: NameMapping; names: Set<string> }>();
  const collect = (m: NameMapping) => {
    const key = `${m.gateway}|${m.kind}|${m.value}`;
    const f = found.get(key) ?? { m, names: new Set<string>() };
    f.names.add(m.name);
    found.set(key, f);
  };

  if (docs.kongServices !== undefined) {
    for (const o of objects(docs.kongServices, sources.kongServices ?? 'kong services', 'kong')) {
      if (str(o.name)) continue; // named: Kong labels it by name already
      const name = tagName(o);
      const host = str(o.host);
      if (name && host) collect({ gateway: 'kong', kind: 'service', value: host, name });
      else warnings.push(`kong service ${o.id} has no name and no ${NAME_TAG} tag: its series are labelled by host ${JSON.stringify(host ?? '')}`);
    }
  }
  if (docs.kongRoutes !== undefined) {
    for (const o of objects(docs.kongRoutes, sources.kongRoutes ?? 'kong routes', 'kong')) {
      if (str(o.name)) continue;
      const name = tagName(o);
      if (name) collect({ gateway: 'kong', kind: 'route', value: String(o.id), name });
      else warnings.push(`kong route ${o.id} has no name and no ${NAME_TAG} tag: its series are labelled by its id`);
    }
  }
  for (const [key, kind] of [['apisixServices', 'service'], ['apisixRoutes', 'route']] as const) {
    if (docs[key] === undefined) continue;
    for (const o of objects(docs[key], sources[key] ?? `apisix ${kind}s`, 'apisix')) {
      const name = str(o.name);
      if (name) collect({ gateway: 'apisix', kind, value: String(o.id), name });
      else warnings.push(`apisix ${kind} ${o.id} has no name: its series are labelled by its id`);
    }
  }
  const mappings: NameMapping[] = [];
  for (const { m, names } of found.values()) {
    if (names.size === 1) mappings.push(m);
    else warnings.push(`${m.gateway} ${m.kind} ${JSON.stringify(m.value)} stands for ${[...names].map((n) => JSON.stringify(n)).join(' and ')}: not mapped`);
  }
  return { mappings, warnings };
}

/** An OTTL string literal, with `$` doubled for the collector's `${...}` expansion. */
function literal(s: string): string {
  return JSON.stringify(s).replace(/\$/g, '$$$$');
}

/** YAML single-quoted scalar. */
const yamlQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The OTTL statements (datapoint context of the gateway metrics) that apply the mappings. */
export function statements(mappings: readonly NameMapping[]): string[] {
  const out: string[] = [];
  const a = (key: string) => `datapoint.attributes[${JSON.stringify(key)}]`;
  for (const m of mappings) {
    const where = `where ${a(LABELS.gateway.label)} == ${literal(m.gateway)} and ${a(m.kind)} == ${literal(m.value)}`;
    if (m.kind === 'route') {
      out.push(`set(${a('route')}, ${literal(m.name)}) ${where}`);
      continue;
    }
    // Scrape-time relabeling parsed the id, not the name: set what parseGatewayService() reads from the name.
    const svc = parseGatewayService(m.name);
    out.push(
      `set(${a(LABELS.api.attribute)}, ${literal(svc.api)}) ${where}`,
      `set(${a(LABELS.apiVersion.attribute)}, ${literal(svc.version)}) ${where}`,
      `set(${a(LABELS.deploymentRole.attribute)}, ${literal(svc.role)}) ${where}`,
      `set(${a('service')}, ${literal(m.name)}) ${where}`,
    );
  }
  return out;
}

/** The overlay: `transform/gateway_names` of collector/config.yaml with the statements filled in. */
export function overlay(names: GatewayNames): string {
  const lines = [
    '# Generated by collector/gateway-names.ts from the gateways\' admin APIs: gateway ids -> names.',
    ...names.warnings.map((w) => `# not mapped: ${w.replace(/\n/g, ' ')}`),
    'processors:',
    '  transform/gateway_names:',
    '    error_mode: ignore',
    '    metric_statements:',
    '      - context: datapoint',
    '        statements:',
  ];
  const st = statements(names.mappings);
  if (st.length === 0) lines[lines.length - 1] += ' []';
  for (const s of st) lines.push(`          - ${yamlQuote(s)}`);
  return `${lines.join('\n')}\n`;
}

const FLAGS = { '--kong-services': 'kongServices', '--kong-routes': 'kongRoutes', '--apisix-services': 'apisixServices', '--apisix-routes': 'apisixRoutes' } as const;

export function main(argv: readonly string[], write: (s: string) => void, warn: (s: string) => void): number {
  const docs: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  try {
    for (let i = 0; i < argv.length; i += 2) {
      const flag = argv[i]! as keyof typeof FLAGS;
      const file = argv[i + 1];
      if (!(flag in FLAGS)) throw new GatewayNamesError(`${flag}: unknown flag (${Object.keys(FLAGS).join(', ')})`);
      if (file === undefined) throw new GatewayNamesError(`${flag}: needs a file`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new GatewayNamesError(`${flag}: cannot read ${file}: ${(e as Error).message}`);
      }
      try {
        docs[FLAGS[flag]] = JSON.parse(text);
      } catch (e) {
        throw new GatewayNamesError(`${flag}: ${file} is not JSON: ${(e as Error).message}`);
      }
      sources[FLAGS[flag]] = file;
    }
    if (Object.keys(docs).length === 0) throw new GatewayNamesError(`give at least one of ${Object.keys(FLAGS).join(', ')}`);
    const names = gatewayNames(docs, sources);
    for (const w of names.warnings) warn(`gateway-names: ${w}`);
    write(overlay(names));
    return 0;
  } catch (e) {
    if (e instanceof GatewayNamesError) {
      warn(`gateway-names: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(`${s}\n`));
}
