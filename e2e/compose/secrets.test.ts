/**
 * The files of the Docker stack (docker-compose.yml, provisioning/, docker/, e2e/compose/) hold no
 * secret: every password, secret, token or key setting takes its value from the environment (or is
 * empty in docker/.env.example), and no credential-looking literal (JWT, private key, URL with a
 * password) appears anywhere. They also name no container registry host and no machine path.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, envExample, parseIni, readJson, readText, readYaml, rel, walkFiles } from './helpers';

const SHIPPED = [
  path.join(ROOT, 'docker-compose.yml'),
  ...walkFiles(path.join(ROOT, 'provisioning')),
  ...walkFiles(path.join(ROOT, 'docker')),
  ...walkFiles(path.join(ROOT, 'e2e', 'compose')),
];

/** Setting names that hold credentials. */
const SECRET_KEY = /(^|[._-])(password|passwd|pwd|secret|token|api[._-]?key|apikey|private[._-]?key|credentials?)$/i;

/** A value taken from somewhere else: an environment reference in any of the stack's syntaxes, or a file. */
const REFERENCE = [
  /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}$/, // compose, Keycloak, Backstage, Grafana provisioning
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // Grafana provisioning
  /^\$__(env|file)\{[^}]+\}$/, // grafana.ini
  /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/, // collector
];
const isReference = (v: string): boolean => REFERENCE.some((re) => re.test(v.trim()));
const isSetting = (v: string): boolean => /^(true|false|\d+)$/i.test(v.trim());

function checkPairs(file: string, pairs: { key: string; value: unknown; at: string }[], problems: string[]): void {
  for (const { key, value, at } of pairs) {
    if (!SECRET_KEY.test(key) || typeof value !== 'string' || value === '') continue;
    if (isReference(value) || isSetting(value)) continue;
    problems.push(`${rel(file)}: ${at}: a literal value for ${key}`);
  }
}

/** key/value pairs of a parsed document, with Keycloak's {type: password, value} credentials as `password`. */
function pairsOf(doc: unknown, at = ''): { key: string; value: unknown; at: string }[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => pairsOf(v, `${at}[${i}]`));
  if (!doc || typeof doc !== 'object') return [];
  const o = doc as Record<string, unknown>;
  const out: { key: string; value: unknown; at: string }[] = [];
  for (const [k, v] of Object.entries(o)) {
    out.push({ key: k, value: v, at: at ? `${at}.${k}` : k });
    out.push(...pairsOf(v, at ? `${at}.${k}` : k));
  }
  if (typeof o.type === 'string' && o.type === 'password' && 'value' in o) out.push({ key: 'password', value: o.value, at: `${at}.value` });
  return out;
}

describe('no secret in the shipped files', () => {
  test('credential settings take their values from the environment', () => {
    const problems: string[] = [];
    for (const file of SHIPPED) {
      const name = path.basename(file);
      if (/\.ya?ml$/.test(name)) checkPairs(file, pairsOf(readYaml(file)), problems);
      else if (name.endsWith('.json')) checkPairs(file, pairsOf(readJson(file)), problems);
      else if (name.endsWith('.ini')) {
        for (const [section, kv] of parseIni(readText(file))) {
          checkPairs(file, [...kv].map(([key, value]) => ({ key, value, at: `[${section}] ${key}` })), problems);
        }
      } else if (name.endsWith('.sh') || name === 'Dockerfile') {
        // NAME=literal assignments and ENV lines
        for (const m of readText(file).matchAll(/\b([A-Za-z_]*(?:PASSWORD|SECRET|TOKEN|API_KEY)[A-Za-z_]*)=("[^"]*"|'[^']*'|[^\s;]+)/gi)) {
          const v = m[2]!.replace(/^["']|["']$/g, '');
          if (v && !isReference(v) && !v.startsWith('$')) problems.push(`${rel(file)}: ${m[0]}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  test('docker/.env.example leaves every secret empty', () => {
    for (const [k, v] of envExample().entries) {
      if (/(PASSWORD|SECRET|TOKEN|KEY)/.test(k)) assert.equal(v, '', `docker/.env.example: ${k} must be empty (no example secrets)`);
    }
  });

  test('no credential-looking literal anywhere', () => {
    const patterns: [string, RegExp][] = [
      ['a JSON Web Token', /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
      ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
      ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@$'"]+:[^/\s@$'"{]+@/i],
      ['a bearer credential', /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/],
    ];
    for (const file of SHIPPED) {
      const text = readText(file);
      for (const [what, re] of patterns) assert.ok(!re.test(text), `${rel(file)} contains ${what}`);
    }
  });

  test('in the test files, sample secrets are derived, never written out', () => {
    for (const file of SHIPPED.filter((f) => f.endsWith('.ts'))) {
      const m = /\b\w*(password|secret|token)\w*['"]?\s*[:=]\s*['"][A-Za-z0-9+/=_-]{8,}['"]/i.exec(readText(file));
      assert.equal(m, null, `${rel(file)}: ${m?.[0]}`);
    }
  });
});

describe('portable files', () => {
  test('no container registry host and no machine path is named', () => {
    const hosts = /\b(docker\.io|quay\.io|gcr\.io|ghcr\.io|mcr\.microsoft\.com|public\.ecr\.aws|[a-z0-9-]+\.azurecr\.io|registry[.-][a-z0-9.-]+\.[a-z]{2,}|proxy\.golang\.org|registry\.npmjs\.org)\b/i;
    const machine = /(^|[\s"'=:(])\/(work|home|root|Users)\//m;
    for (const file of SHIPPED) {
      const text = readText(file);
      assert.ok(!hosts.test(text), `${rel(file)} names a registry host: ${hosts.exec(text)?.[0]}`);
      assert.ok(!machine.test(text), `${rel(file)} names a machine path: ${machine.exec(text)?.[0]}`);
    }
  });
});
