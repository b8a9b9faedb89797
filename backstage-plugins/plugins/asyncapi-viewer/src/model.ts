/**
 * Parses an AsyncAPI 2.x / 3.0 / 3.1 document (YAML or JSON) into one normalized view model.
 * 2.x `publish` / `subscribe` are mapped to 3.x actions from the application's point of view:
 * `subscribe` (clients subscribe, the application sends) → `send`, `publish` → `receive`.
 * Schemas are kept unresolved (with their `$ref`s) and resolved lazily by the renderer.
 */
import { readYaml } from '@api-observatory/safe-yaml';
import { deref, isObject, refName, refOf, type JsonObject } from './refs';

export interface Tag {
  name: string;
  description?: string;
}

export interface MessageView {
  /** Key in its map (3.x channel messages / components), else name or a generated id. */
  key: string;
  name: string;
  title?: string;
  summary?: string;
  description?: string;
  contentType?: string;
  schemaFormat?: string;
  payload?: unknown;
  headers?: unknown;
  correlationId?: JsonObject;
  bindings?: JsonObject;
  examples: JsonObject[];
  tags: Tag[];
  /** The `$ref` it was reached through, e.g. `#/components/messages/StockChanged`. */
  ref?: string;
  /** Set when the message could not be resolved (external / missing / circular ref). */
  unresolved?: string;
}

export type Action = 'send' | 'receive';

export interface OperationView {
  key: string;
  action: Action;
  /** The 2.x keyword it came from, if any. */
  legacyAction?: 'publish' | 'subscribe';
  channelKey?: string;
  title?: string;
  summary?: string;
  description?: string;
  bindings?: JsonObject;
  tags: Tag[];
  messages: MessageView[];
  /** 3.x reply: address / channel shown as text. */
  reply?: { channelKey?: string; address?: string; messages: string[] };
}

export interface ParameterView {
  name: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  location?: string;
  schema?: unknown;
}

export interface ChannelView {
  key: string;
  address?: string;
  title?: string;
  summary?: string;
  description?: string;
  parameters: ParameterView[];
  bindings?: JsonObject;
  messages: MessageView[];
  operations: OperationView[];
  tags: Tag[];
  servers: string[];
  /** Lower-cased text per search scope, precomputed once. */
  search: { channel: string; operation: string; message: string; tags: Set<string> };
}

export interface ServerView {
  key: string;
  url: string;
  protocol?: string;
  protocolVersion?: string;
  title?: string;
  description?: string;
  bindings?: JsonObject;
  variables?: JsonObject;
  tags: Tag[];
}

export interface AsyncApiView {
  asyncapi: string;
  major: 2 | 3;
  id?: string;
  info: {
    title: string;
    version: string;
    description?: string;
    contact?: { name?: string; email?: string; url?: string };
    license?: { name?: string; url?: string };
    tags: Tag[];
  };
  defaultContentType?: string;
  servers: ServerView[];
  channels: ChannelView[];
  operations: OperationView[];
  /** Every tag name used on channels, operations or messages (sorted). */
  tagNames: string[];
  /** The parsed document, for lazy `$ref` resolution of schemas. */
  root: JsonObject;
  warnings: string[];
}

export interface AsyncApiParseError {
  message: string;
  line?: number;
  column?: number;
}

export type ParseResult = { ok: true; view: AsyncApiView } | { ok: false; error: AsyncApiParseError };

export const SUPPORTED_VERSIONS = '2.0–2.6, 3.0, 3.1';
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const objOrUndef = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

function tagsOf(v: unknown): Tag[] {
  if (!Array.isArray(v)) return [];
  const out: Tag[] = [];
  for (const t of v) {
    if (isObject(t) && typeof t.name === 'string') out.push({ name: t.name, description: str(t.description) });
    else if (typeof t === 'string') out.push({ name: t });
  }
  return out;
}

/**
 * Reads the text into a JS value: JSON, else YAML 1.2 (@api-observatory/safe-yaml: core schema, unique keys,
 * alias expansion bounded).
 * Errors carry the line and column.
 */
export function readDocument(text: string): { ok: true; value: unknown } | { ok: false; error: AsyncApiParseError } {
  if (text.trimStart().startsWith('{')) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      // fall through: YAML flow mappings may start with "{" too, and the YAML reader gives positions
    }
  }
  return readYaml(text);
}

export function parseAsyncApi(definition: string | object): ParseResult {
  let value: unknown = definition;
  if (typeof definition === 'string') {
    if (definition.trim() === '') return { ok: false, error: { message: 'The API definition is empty.' } };
    const read = readDocument(definition);
    if (!read.ok) return read;
    value = read.value;
  }
  if (!isObject(value)) return { ok: false, error: { message: 'The definition is not an AsyncAPI document (expected a mapping at the top level).' } };
  const version = str(value.asyncapi);
  if (!version) return { ok: false, error: { message: 'The definition has no `asyncapi` version field; is it an AsyncAPI document?' } };
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const major = m ? Number(m[1]) : NaN;
  const minor = m ? Number(m[2]) : NaN;
  const warnings: string[] = [];
  if (major !== 2 && major !== 3) {
    return { ok: false, error: { message: `AsyncAPI ${version} is not supported (supported: ${SUPPORTED_VERSIONS}).` } };
  }
  if ((major === 2 && minor > 6) || (major === 3 && minor > 1)) {
    warnings.push(`AsyncAPI ${version} is newer than this viewer knows (${SUPPORTED_VERSIONS}); showing what it understands.`);
  }
  try {
    const view = major === 2 ? normalize2(value, version, warnings) : normalize3(value, version, warnings);
    return { ok: true, view };
  } catch (e) {
    return { ok: false, error: { message: `The document could not be read: ${(e as Error).message}` } };
  }
}

function infoOf(root: JsonObject) {
  const info = objOrUndef(root.info) ?? {};
  const contact = objOrUndef(info.contact);
  const license = objOrUndef(info.license);
  return {
    title: str(info.title) ?? 'Untitled AsyncAPI document',
    version: str(info.version) ?? '',
    description: str(info.description),
    contact: contact ? { name: str(contact.name), email: str(contact.email), url: str(contact.url) } : undefined,
    license: license ? { name: str(license.name), url: str(license.url) } : undefined,
    tags: tagsOf(info.tags ?? root.tags),
  };
}

function serversOf(root: JsonObject, major: 2 | 3): ServerView[] {
  const servers = objOrUndef(root.servers);
  if (!servers) return [];
  return Object.entries(servers).map(([key, raw]) => {
    const s = objOrUndef(deref(root, raw).value) ?? {};
    const url = major === 2 ? str(s.url) ?? '' : `${str(s.host) ?? ''}${str(s.pathname) ?? ''}`;
    return {
      key,
      url,
      protocol: str(s.protocol),
      protocolVersion: str(s.protocolVersion),
      title: str(s.title),
      description: str(s.description),
      bindings: objOrUndef(deref(root, s.bindings).value),
      variables: objOrUndef(s.variables),
      tags: tagsOf(s.tags),
    };
  });
}

/** Applies message / operation traits (shallow merge; the object's own fields win). */
function withTraits(root: JsonObject, o: JsonObject): JsonObject {
  if (!Array.isArray(o.traits) || o.traits.length === 0) return o;
  let merged: JsonObject = {};
  for (const t of o.traits) {
    const trait = objOrUndef(deref(root, t).value);
    if (trait) merged = { ...merged, ...trait };
  }
  const { traits: _traits, ...own } = o;
  return { ...merged, ...own };
}

function messageOf(root: JsonObject, raw: unknown, fallbackKey: string): MessageView {
  const d = deref(root, raw);
  const refKey = refName(d.ref);
  if (d.status !== 'ok' || !isObject(d.value)) {
    const why = d.status === 'ok' ? 'not an object' : `${d.status} reference ${d.ref ?? ''}`.trim();
    return { key: refKey ?? fallbackKey, name: refKey ?? fallbackKey, examples: [], tags: [], ref: d.ref, unresolved: why };
  }
  const msg = withTraits(root, d.value);
  const key = refKey ?? fallbackKey;
  return {
    key,
    name: str(msg.name) ?? str(msg.messageId) ?? key,
    title: str(msg.title),
    summary: str(msg.summary),
    description: str(msg.description),
    contentType: str(msg.contentType),
    schemaFormat: str(msg.schemaFormat),
    payload: msg.payload,
    headers: msg.headers,
    correlationId: objOrUndef(deref(root, msg.correlationId).value),
    bindings: objOrUndef(deref(root, msg.bindings).value),
    examples: Array.isArray(msg.examples) ? msg.examples.filter(isObject) : [],
    tags: tagsOf(msg.tags),
    ref: d.ref,
  };
}

function parametersOf(root: JsonObject, raw: unknown): ParameterView[] {
  const params = objOrUndef(raw);
  if (!params) return [];
  return Object.entries(params).map(([name, p]) => {
    const v = objOrUndef(deref(root, p).value) ?? {};
    return {
      name,
      description: str(v.description),
      enum: Array.isArray(v.enum) ? v.enum : undefined,
      default: v.default,
      location: str(v.location),
      schema: v.schema,
    };
  });
}

function finishChannel(c: Omit<ChannelView, 'search'>): ChannelView {
  const tags = new Set<string>();
  for (const t of c.tags) tags.add(t.name);
  for (const o of c.operations) for (const t of o.tags) tags.add(t.name);
  for (const msg of c.messages) for (const t of msg.tags) tags.add(t.name);
  const lc = (xs: (string | undefined)[]) => xs.filter(Boolean).join('\n').toLowerCase();
  return {
    ...c,
    search: {
      channel: lc([c.key, c.address, c.title, c.summary]),
      operation: lc(c.operations.flatMap((o) => [o.key, o.title, o.summary, o.action, o.legacyAction])),
      message: lc(c.messages.flatMap((msg) => [msg.key, msg.name, msg.title, msg.summary])),
      tags,
    },
  };
}

function tagNamesOf(channels: ChannelView[]): string[] {
  const all = new Set<string>();
  for (const c of channels) for (const t of c.search.tags) all.add(t);
  return [...all].sort((a, b) => a.localeCompare(b));
}

function uniqueMessages(ms: MessageView[]): MessageView[] {
  const seen = new Set<string>();
  return ms.filter((msg) => {
    const id = msg.ref ?? `${msg.key}\u0000${msg.name}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function normalize2(root: JsonObject, version: string, warnings: string[]): AsyncApiView {
  const channels: ChannelView[] = [];
  const operations: OperationView[] = [];
  for (const [key, raw] of Object.entries(objOrUndef(root.channels) ?? {})) {
    const ch = objOrUndef(deref(root, raw).value) ?? {};
    const ops: OperationView[] = [];
    for (const legacy of ['subscribe', 'publish'] as const) {
      const rawOp = objOrUndef(deref(root, ch[legacy]).value);
      if (!rawOp) continue;
      const op = withTraits(root, rawOp);
      const rawMsg = op.message;
      const msgs: MessageView[] = [];
      const msgObj = objOrUndef(rawMsg);
      const resolvedMsg = msgObj ? objOrUndef(deref(root, msgObj).value) : undefined;
      if (resolvedMsg && Array.isArray(resolvedMsg.oneOf)) {
        resolvedMsg.oneOf.forEach((m, i) => msgs.push(messageOf(root, m, `${key}.${legacy}.${i}`)));
      } else if (rawMsg !== undefined) {
        msgs.push(messageOf(root, rawMsg, `${str(op.operationId) ?? key}.message`));
      }
      ops.push({
        key: str(op.operationId) ?? `${legacy} ${key}`,
        action: legacy === 'subscribe' ? 'send' : 'receive',
        legacyAction: legacy,
        channelKey: key,
        summary: str(op.summary),
        description: str(op.description),
        bindings: objOrUndef(deref(root, op.bindings).value),
        tags: tagsOf(op.tags),
        messages: msgs,
      });
    }
    operations.push(...ops);
    channels.push(
      finishChannel({
        key,
        address: key,
        description: str(ch.description),
        parameters: parametersOf(root, ch.parameters),
        bindings: objOrUndef(deref(root, ch.bindings).value),
        messages: uniqueMessages(ops.flatMap((o) => o.messages)),
        operations: ops,
        tags: tagsOf(ch.tags),
        servers: Array.isArray(ch.servers) ? ch.servers.filter((s): s is string => typeof s === 'string') : [],
      }),
    );
  }
  return {
    asyncapi: version,
    major: 2,
    id: str(root.id),
    info: infoOf(root),
    defaultContentType: str(root.defaultContentType),
    servers: serversOf(root, 2),
    channels,
    operations,
    tagNames: tagNamesOf(channels),
    root,
    warnings,
  };
}

function normalize3(root: JsonObject, version: string, warnings: string[]): AsyncApiView {
  const channelsRaw = objOrUndef(root.channels) ?? {};
  type Pending = Omit<ChannelView, 'search' | 'operations'> & { operations: OperationView[]; obj: unknown };
  const pending: Pending[] = [];
  const byKey = new Map<string, Pending>();
  const byObject = new Map<unknown, Pending>();
  for (const [key, raw] of Object.entries(channelsRaw)) {
    const d = deref(root, raw);
    const ch = objOrUndef(d.value) ?? {};
    // the channel's key is the message's identity inside the channel
    const messages = Object.entries(objOrUndef(ch.messages) ?? {}).map(([mk, mraw]) => ({ ...messageOf(root, mraw, mk), key: mk }));
    const p: Pending = {
      key,
      address: ch.address === null ? undefined : str(ch.address),
      title: str(ch.title),
      summary: str(ch.summary),
      description: str(ch.description),
      parameters: parametersOf(root, ch.parameters),
      bindings: objOrUndef(deref(root, ch.bindings).value),
      messages,
      operations: [],
      tags: tagsOf(ch.tags),
      servers: Array.isArray(ch.servers) ? ch.servers.map((s) => refName(refOf(s)) ?? '').filter(Boolean) : [],
      obj: ch,
    };
    pending.push(p);
    byKey.set(key, p);
    byObject.set(ch, p);
  }
  const channelFor = (raw: unknown): Pending | undefined => {
    const ref = refOf(raw);
    const m = ref ? /^#\/channels\/([^/]+)$/.exec(ref) : null;
    if (m) {
      const k = refName(`/${m[1]}`);
      if (k && byKey.has(k)) return byKey.get(k);
    }
    const d = deref(root, raw);
    return d.status === 'ok' ? byObject.get(d.value) : undefined;
  };
  const operations: OperationView[] = [];
  for (const [key, raw] of Object.entries(objOrUndef(root.operations) ?? {})) {
    const rawOp = objOrUndef(deref(root, raw).value);
    if (!rawOp) continue;
    const op = withTraits(root, rawOp);
    const action: Action = op.action === 'send' ? 'send' : 'receive';
    if (op.action !== 'send' && op.action !== 'receive') warnings.push(`Operation ${key} has no valid action (send / receive).`);
    const channel = channelFor(op.channel);
    if (!channel) warnings.push(`Operation ${key}: its channel ${refOf(op.channel) ?? ''} is not in this document.`);
    let msgs: MessageView[];
    if (Array.isArray(op.messages)) {
      msgs = op.messages.map((mraw, i) => {
        const ref = refOf(mraw);
        const hit = ref && channel ? channel.messages.find((cm) => `#/channels/${encodePointer(channel.key)}/messages/${encodePointer(cm.key)}` === ref || cm.ref === ref) : undefined;
        return hit ?? messageOf(root, mraw, `${key}.${i}`);
      });
    } else {
      msgs = channel?.messages ?? [];
    }
    const reply = objOrUndef(deref(root, op.reply).value);
    const replyChannel = reply ? channelFor(reply.channel) : undefined;
    const replyAddress = reply ? objOrUndef(deref(root, reply.address).value) : undefined;
    const view: OperationView = {
      key,
      action,
      channelKey: channel?.key,
      title: str(op.title),
      summary: str(op.summary),
      description: str(op.description),
      bindings: objOrUndef(deref(root, op.bindings).value),
      tags: tagsOf(op.tags),
      messages: msgs,
      reply: reply
        ? {
            channelKey: replyChannel?.key,
            address: str(replyAddress?.location),
            messages: Array.isArray(reply.messages) ? reply.messages.map((r) => refName(refOf(r)) ?? '?') : [],
          }
        : undefined,
    };
    operations.push(view);
    channel?.operations.push(view);
  }
  const channels = pending.map(({ obj: _obj, ...c }) => finishChannel(c));
  return {
    asyncapi: version,
    major: 3,
    id: str(root.id),
    info: infoOf(root),
    defaultContentType: str(root.defaultContentType),
    servers: serversOf(root, 3),
    channels,
    operations,
    tagNames: tagNamesOf(channels),
    root,
    warnings,
  };
}

function encodePointer(seg: string): string {
  return seg.replace(/~/g, '~0').replace(/\//g, '~1');
}

export type SearchScope = 'all' | 'channel' | 'operation' | 'message';

export interface ChannelFilter {
  query: string;
  scope: SearchScope;
  /** Tag name, or '' for any. */
  tag: string;
}

/** Channels that match the search text (in the chosen scope) and carry the tag (on the channel, its operations or messages). */
export function filterChannels(channels: readonly ChannelView[], f: ChannelFilter): ChannelView[] {
  const q = f.query.trim().toLowerCase();
  if (!q && !f.tag) return channels as ChannelView[];
  return channels.filter((c) => {
    if (f.tag && !c.search.tags.has(f.tag)) return false;
    if (!q) return true;
    const s = c.search;
    switch (f.scope) {
      case 'channel':
        return s.channel.includes(q);
      case 'operation':
        return s.operation.includes(q);
      case 'message':
        return s.message.includes(q);
      default:
        return s.channel.includes(q) || s.operation.includes(q) || s.message.includes(q);
    }
  });
}
