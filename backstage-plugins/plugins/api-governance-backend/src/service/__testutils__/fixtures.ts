/**
 * Test fixtures: small fakes of the Backstage services the router uses (httpAuth, catalog,
 * permissions), and REAL databases (better-sqlite3 file, PostgreSQL) migrated with the package's
 * migrations. The fake permissions service applies the shipped ApiGovernancePolicy and evaluates the
 * catalog conditions it returns (IS_ENTITY_OWNER, HAS_SPEC) the way the catalog does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import knexFactory, { type Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import type { BackstageCredentials, HttpAuthService, LoggerService, PermissionsService, UserInfoService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, type PermissionCondition, type PermissionCriteria } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { DEFAULT_GATE_CONFIG, evaluate as evaluateLive, evaluationReport, type EvaluationReport, type SampleSet } from '@api-observatory/canary-judge';
import { ApiGovernancePolicy } from '../../policy';
import { MIGRATIONS_DIR } from '../../plugin';
import { DEFAULT_CONFIG, type GovernanceConfig } from '../config';
import { GateEvaluator, type CanarySource, type SloSource } from '../gates';
import type { PolicyEngine } from '../policy-engine';
import { createRouter } from '../router';
import { keepSqliteStatements } from '../sqlite';
import { GovernanceStore } from '../store';

export const logger: LoggerService = { error() {}, warn() {}, info() {}, debug() {}, child() { return logger; } };

/** Users (token = short name) and the groups they are in. */
export const USERS: Record<string, string[]> = {
  alice: ['group:default/orders-team'],
  bob: ['group:default/orders-team'],
  carla: ['group:default/product-managers'],
  deepak: ['group:default/product-managers'],
  peter: ['group:default/platform-pms'],
  eve: ['group:default/customer-team'],
  olga: ['group:default/product-managers', 'group:default/api-platform-team'],
  ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`pm${i}`, ['group:default/product-managers']])),
};
export const userRef = (name: string) => `user:default/${name}`;

export const VALID_OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Orders', version: '2.0.0' },
  paths: { '/orders': { get: { operationId: 'listOrders', summary: 'List orders', responses: { '200': { description: 'ok' } } } } },
});

/** Consumers of the orders API (consumesApis → the catalog's apiConsumedBy on the API) and their owners. */
export const ORDERS_CONSUMERS = ['component:default/checkout', 'component:default/mobile-app'];
export const ORDERS_CONSUMER_OWNERS = ['group:default/checkout-team', 'user:default/maria'];

function api(name: string, owner: string, system: string, definition = VALID_OPENAPI, consumers: string[] = [], annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name, namespace: 'default', annotations: { 'api-observatory.io/api-name': name, ...annotations } },
    spec: { type: 'openapi', lifecycle: 'production', owner, system, definition },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }, ...consumers.map((targetRef) => ({ type: 'apiConsumedBy', targetRef }))],
  };
}
const component = (name: string, ownerRef: string, consumes: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default' },
  spec: { owner: ownerRef, type: 'service', lifecycle: 'production', consumesApis: consumes },
  relations: [{ type: 'ownedBy', targetRef: ownerRef }, ...consumes.map((targetRef) => ({ type: 'consumesApi', targetRef }))],
});

export const ENTITIES = new Map<string, Entity>([
  ['api:default/orders', api('orders', 'orders-team', 'commerce', VALID_OPENAPI, ORDERS_CONSUMERS)],
  ['api:default/payments', api('payments', 'orders-team', 'commerce')],
  ['api:default/broken', api('broken', 'orders-team', 'commerce', '{"openapi": "3.0.3", "paths": 7}')],
  ['api:default/nocanary', api('nocanary', 'orders-team', 'commerce')],
  ['api:default/regressed', api('regressed', 'orders-team', 'commerce')],
  ['api:default/burning', api('burning', 'orders-team', 'commerce')],
  ['api:default/gateway-admin', api('gateway-admin', 'orders-team', 'api-platform')],
  ['api:default/pm-owned', api('pm-owned', 'product-managers', 'commerce')],
  // No canary data (api name nocanary); tier internal: the policy requires the definition gate only.
  ['api:default/internal-tool', api('internal-tool', 'orders-team', 'commerce', VALID_OPENAPI, [], { 'api-observatory.io/api-name': 'nocanary', 'api-observatory.io/tier': 'internal' })],
  ['component:default/orders-service', { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'orders-service', namespace: 'default' }, spec: { owner: 'orders-team' } }],
  ['component:default/checkout', component('checkout', 'group:default/checkout-team', ['api:default/orders'])],
  ['component:default/mobile-app', component('mobile-app', 'user:default/maria', ['api:default/orders'])],
]);

/**
 * `api:default/<base>--<suffix>` is a copy of the `<base>` API named `<base>--<suffix>` (same owner,
 * system, definition, consumers and api-name annotation): tests use fresh copies where one open request
 * per API and environment would otherwise collide.
 */
export const copyOf = (base: string, suffix: string | number) => `api:default/${base}--${suffix}`;
let copies = 0;
/** A fresh copy of an API (see copyOf). */
export const fresh = (base = 'orders') => copyOf(base, `t${++copies}`);

export const catalog = {
  async getEntityByRef(ref: string | { kind: string; namespace?: string; name: string }) {
    const key = (typeof ref === 'string' ? ref : `${ref.kind}:${ref.namespace ?? 'default'}/${ref.name}`).toLowerCase();
    const m = /^api:default\/([a-z-]+?)--([a-z0-9-]+)$/.exec(key);
    const base = m ? ENTITIES.get(`api:default/${m[1]}`) : undefined;
    if (base) return { ...base, metadata: { ...base.metadata, name: `${m![1]}--${m![2]}` } };
    return ENTITIES.get(key);
  },
};

/** An EventsService that records what is published; `failing` makes publish throw (a broken broker). */
export class RecordingEvents {
  published: Array<{ topic: string; eventPayload: any; metadata?: Record<string, unknown> }> = [];
  failing = false;
  async publish(params: { topic: string; eventPayload: unknown; metadata?: Record<string, unknown> }) {
    if (this.failing) throw new Error('events broker down');
    this.published.push(params as never);
  }
}

/** A NotificationService that records what is sent. */
export class RecordingNotifications {
  sent: Array<{ recipients: any; payload: any }> = [];
  async send(options: { recipients: unknown; payload: unknown }) {
    this.sent.push(options as never);
  }
}

function credentialsOf(token: string | undefined): BackstageCredentials | undefined {
  if (token === 'service') return { $$type: '@backstage/BackstageCredentials', principal: { type: 'service', subject: 'plugin:deployer' } } as BackstageCredentials;
  if (token && USERS[token]) return { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: userRef(token) } } as BackstageCredentials;
  return undefined;
}

/** `Authorization: Bearer <user name | service>`; anything else is rejected like the real service does. */
export const httpAuth = {
  async credentials(req: express.Request, options?: { allow?: string[] }) {
    const c = credentialsOf(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]);
    if (!c) throw Object.assign(new Error('Missing credentials'), { name: 'AuthenticationError' });
    const type = (c.principal as { type: string }).type;
    if (options?.allow && !options.allow.includes(type)) throw Object.assign(new Error(`This endpoint does not allow '${type}' credentials`), { name: 'NotAllowedError' });
    return c;
  },
} as unknown as HttpAuthService;

/** The user's ownership refs (their own ref and their groups), as coreServices.userInfo answers. */
export const userInfo: Pick<UserInfoService, 'getUserInfo'> = {
  async getUserInfo(credentials) {
    const ref = (credentials.principal as { userEntityRef: string }).userEntityRef;
    return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(USERS[ref.split('/')[1]!] ?? [])] };
  },
};

type Cond = PermissionCondition<string>;
function evaluate(criteria: PermissionCriteria<Cond>, entity: Entity): boolean {
  if ('allOf' in criteria) return criteria.allOf.every((c) => evaluate(c, entity));
  if ('anyOf' in criteria) return criteria.anyOf.some((c) => evaluate(c, entity));
  if ('not' in criteria) return !evaluate(criteria.not, entity);
  const params = (criteria.params ?? {}) as Record<string, unknown>;
  switch (criteria.rule) {
    case 'IS_ENTITY_OWNER':
      return (entity.relations ?? []).some((r) => r.type === 'ownedBy' && (params.claims as string[]).includes(r.targetRef));
    case 'HAS_SPEC':
      return (entity.spec as Record<string, unknown>)?.[params.key as string] === params.value;
    default:
      throw new Error(`fake permissions: unsupported rule ${criteria.rule}`);
  }
}

/** Applies the shipped policy; service principals are allowed (as the permission backend does for service-to-service calls). */
export function fakePermissions(policy = new ApiGovernancePolicy(DEFAULT_CONFIG.policy)): Pick<PermissionsService, 'authorize'> {
  return {
    async authorize(requests, { credentials }) {
      const p = credentials.principal as { type: string; userEntityRef?: string };
      return Promise.all(requests.map(async (r) => {
        if (p.type === 'service') return { result: AuthorizeResult.ALLOW };
        const name = p.userEntityRef!.split('/')[1]!;
        const user = { credentials, info: { userEntityRef: p.userEntityRef!, ownershipEntityRefs: [p.userEntityRef!, ...USERS[name]!] } } as PolicyQueryUser;
        const d = await policy.handle({ permission: r.permission }, user);
        if (d.result !== AuthorizeResult.CONDITIONAL) return { result: d.result };
        const entity = await catalog.getEntityByRef((r as { resourceRef: string }).resourceRef);
        return { result: entity && evaluate(d.conditions as PermissionCriteria<Cond>, entity) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      })) as never;
    },
  };
}

const rnd = (seed: number) => () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
const INTERVALS = 10;
function samples(errorRatioCanary: number): SampleSet {
  const r = rnd(7);
  const s = (base: number, jitter: number) => Array.from({ length: INTERVALS }, () => base + (r() - 0.5) * jitter);
  return {
    error_ratio: { baseline: s(0.002, 0.001), canary: s(errorRatioCanary, errorRatioCanary / 2) },
    latency_p99_seconds: { baseline: s(0.2, 0.02), canary: s(0.2, 0.02) },
    latency_p50_seconds: { baseline: s(0.05, 0.01), canary: s(0.05, 0.01) },
  };
}

/**
 * The report canary-gate serve answers for a canary with these samples: the real evaluation pipeline
 * (default gate, 10 one-minute intervals, 600 requests each) and the real report builder, so a change of
 * the report's shape breaks these tests' types.
 */
export async function canaryReport(api: string, set: SampleSet, requests = 600): Promise<EvaluationReport> {
  const context = { api, canaryVersion: 'v2', baselineVersion: 'v1' };
  const end = new Date();
  const traffic = { baseline: new Array(INTERVALS).fill(600), canary: new Array(INTERVALS).fill(requests) };
  const ev = await evaluateLive({ ...context, config: DEFAULT_GATE_CONFIG, intervalMs: 60_000, lookbackMs: INTERVALS * 60_000, end }, async () => ({ kind: 'source-result', samples: set, traffic }));
  return evaluationReport(ev, context, DEFAULT_GATE_CONFIG, end);
}

/** Reports of the real judge: healthy samples promote, `regressed` rolls back, `nocanary` has no data. */
const apiName = (entity: Entity) => entity.metadata.annotations?.['api-observatory.io/api-name'];
export const canarySource: CanarySource = async ({ entity }) => {
  const api = apiName(entity)!;
  if (api === 'nocanary') return canaryReport(api, {}, 0);
  return canaryReport(api, samples(api === 'regressed' ? 0.3 : 0.002));
};
export const sloSource: SloSource = async ({ entity }) => ({ burning: apiName(entity) === 'burning', evidence: { burnRate1h: apiName(entity) === 'burning' ? 14.4 : 0.2 } });

export const TEST_CONFIG: GovernanceConfig = {
  ...DEFAULT_CONFIG,
  environments: ['dev', 'staging', 'production'],
  maxCommentLength: 500,
  gates: { ...DEFAULT_CONFIG.gates, slo: { prometheusUrl: 'http://slo.test', required: true, timeoutMs: 2_000 } },
  policy: {
    productManagers: { commerce: ['group:default/product-managers'], 'api-platform': ['group:default/platform-pms'] },
    overrideGroups: ['group:default/api-platform-team'],
  },
};

export interface TestDb {
  knex: Knex;
  label: string;
  close(): Promise<void>;
}

export async function sqliteDb(file?: string): Promise<TestDb> {
  const dir = file ? undefined : mkdtempSync(path.join(os.tmpdir(), 'gov-sqlite-'));
  const filename = file ?? path.join(dir!, 'governance.sqlite');
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
  // As the plugin runs it (plugin.ts).
  keepSqliteStatements(knex);
  await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  return { knex, label: `sqlite file`, close: async () => { await knex.destroy(); if (dir) rmSync(dir, { recursive: true, force: true }); } };
}

export async function migrate(knex: Knex) {
  await knex.migrate.latest({ directory: MIGRATIONS_DIR });
}

export async function serve(
  knex: Knex,
  config: GovernanceConfig = TEST_CONFIG,
  sources: { canary?: CanarySource; slo?: SloSource } = { canary: canarySource, slo: sloSource },
  services: {
    events?: RecordingEvents; notifications?: RecordingNotifications; permissions?: Pick<PermissionsService, 'authorize'>;
    policy?: PolicyEngine; clock?: () => Date;
  } = {},
): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(await createRouter({
    logger, config, httpAuth, permissions: services.permissions ?? fakePermissions(new ApiGovernancePolicy(config.policy)), catalog,
    store: new GovernanceStore(knex), gates: new GateEvaluator(config, sources), events: services.events, notifications: services.notifications,
    policy: services.policy, userInfo, clock: services.clock,
  }));
  // The error middleware the backend's root HTTP router installs after every plugin's routes.
  app.use(MiddlewareFactory.create({ config: new ConfigReader({}), logger }).error());
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export interface Res<T = any> { status: number; body: T; headers: Headers }
export async function call<T = any>(base: string, method: string, p: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/**
 * Drives the router through every transition (request, approve, promote, rollback, reject, cancel), an
 * overridden approval and two deprecations (with and without a sunset date): every event kind once at least.
 */
export async function driveEveryTransition(url: string): Promise<void> {
  const post = async (token: string, p: string, body: unknown) => {
    const r = await call(url, 'POST', p, token, body);
    if (r.status >= 300) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const a = await post('alice', '/requests', { entityRef: fresh('orders'), toEnvironment: 'production', comment: 'v2' });
  await post('carla', `/requests/${a.id}/approve`, { reason: 'ok' });
  await post('service', `/requests/${a.id}/promote`, {});
  await post('olga', `/requests/${a.id}/rollback`, { reason: 'regression' });
  const b = await post('alice', '/requests', { entityRef: fresh('orders'), toEnvironment: 'staging' });
  await post('carla', `/requests/${b.id}/reject`, { reason: 'no changelog' });
  const c = await post('bob', '/requests', { entityRef: fresh('orders'), toEnvironment: 'production' });
  await post('bob', `/requests/${c.id}/cancel`, {});
  const d = await post('alice', '/requests', { entityRef: fresh('burning'), toEnvironment: 'production' });
  await post('olga', `/requests/${d.id}/approve`, { override: { reason: 'INC-9' } });
  await post('alice', '/apis/deprecate', { entityRef: fresh('orders'), reason: 'v3 is out', sunsetDate: '2027-01-31' });
  await post('alice', '/apis/deprecate', { entityRef: fresh('payments'), reason: 'merged into orders' });
}
