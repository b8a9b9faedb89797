/**
 * Drive canary-gate the way Argo Rollouts and Flagger do, from the shipped example manifests
 * (examples/progressive-delivery). Deliberately limited, and documented as such:
 *
 * - Argo Rollouts web metric (argoproj/argo-rollouts metricproviders/webmetric/webmetric.go, docs
 *   docs/analysis/web.md): the provider's method, url, headers and body with `{{args.NAME}}` substituted;
 *   a non-2xx answer is a measurement Error; `jsonPath` of the form `{$.a.b}` only; conditions of the
 *   form `result == "text"` only. Both conditions set and neither true: Inconclusive (Argo's rule).
 * - Flagger webhooks (fluxcd/flagger pkg/controller/webhook.go): POST of
 *   `{name, namespace, phase, checksum, metadata}` as JSON; a status above 202 halts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '@api-observatory/safe-yaml';

export const EXAMPLES = join(__dirname, '..', '..', 'examples', 'progressive-delivery');

export function readExample(file: string): any {
  return parseYaml(readFileSync(join(EXAMPLES, file), 'utf8'));
}

/** The same path on another server (the examples point at an in-cluster Service). */
export function onServer(url: string, base: string): string {
  const u = new URL(url);
  return `${base.replace(/\/+$/, '')}${u.pathname}${u.search}`;
}

export type ArgoPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

const substitute = (text: string, args: Record<string, string>) =>
  text.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in args)) throw new Error(`no value for args.${name}`);
    return args[name]!;
  });

function jsonPath(path: string, data: unknown): unknown {
  const m = /^\{\$((?:\.[\w-]+)*)\}$/.exec(path);
  if (!m) throw new Error(`jsonPath ${path} is outside what this test evaluates ({$.a.b})`);
  return m[1]!.split('.').slice(1).reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data);
}

function condition(expr: string | undefined, result: unknown): boolean | undefined {
  if (expr === undefined) return undefined;
  const m = /^result == "([^"]*)"$/.exec(expr.trim());
  if (!m) throw new Error(`condition ${expr} is outside what this test evaluates (result == "text")`);
  return result === m[1];
}

/** One measurement of the template's metric, as the web provider takes it. */
export async function argoMeasurement(
  template: any,
  args: Record<string, string>,
  gateUrl: string,
): Promise<{ phase: ArgoPhase; value?: unknown; status?: number; body?: any }> {
  const metric = template.spec.metrics[0];
  const web = metric.provider.web;
  const defaults = Object.fromEntries((template.spec.args as Array<{ name: string; value?: string }>).filter((a) => a.value !== undefined).map((a) => [a.name, a.value!]));
  const all = { ...defaults, ...args, 'canary-gate-url': gateUrl };
  const headers = Object.fromEntries((web.headers ?? []).map((h: { key: string; value: string }) => [h.key, substitute(h.value, all)]));
  const res = await fetch(substitute(web.url, all), { method: web.method ?? 'GET', headers, body: web.body === undefined ? undefined : substitute(web.body, all) });
  const body = await res.json().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) return { phase: 'Error', status: res.status, body };
  const value = jsonPath(web.jsonPath, body);
  const failed = condition(metric.failureCondition, value);
  const succeeded = condition(metric.successCondition, value);
  const phase: ArgoPhase = failed ? 'Failed' : succeeded ? 'Successful' : failed === false && succeeded === false ? 'Inconclusive' : 'Failed';
  return { phase, value, status: res.status, body };
}

/** Every canary-gate webhook of a Flagger Canary, called as Flagger calls it: does Flagger proceed? */
export async function flaggerHooks(canary: any, gateUrl: string, phase = 'Progressing'): Promise<Record<string, { proceed: boolean; status: number; body: any }>> {
  const out: Record<string, { proceed: boolean; status: number; body: any }> = {};
  for (const hook of canary.spec.analysis.webhooks as Array<{ type: string; url: string; metadata?: Record<string, string> }>) {
    const payload = { name: canary.metadata.name, namespace: canary.metadata.namespace, phase, checksum: '5c7f9d8b4', metadata: hook.metadata };
    const res = await fetch(onServer(hook.url, gateUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    out[hook.type] = { proceed: res.status <= 202, status: res.status, body: await res.json() };
  }
  return out;
}

/** Which hooks let Flagger proceed. */
export const proceeds = (hooks: Record<string, { proceed: boolean }>) => Object.fromEntries(Object.entries(hooks).map(([k, v]) => [k, v.proceed]));

/** The example Canary for another API (what a user edits). */
export function forApi(canary: any, api: string): any {
  const copy = structuredClone(canary);
  for (const hook of copy.spec.analysis.webhooks) hook.metadata = { ...hook.metadata, api };
  return copy;
}
