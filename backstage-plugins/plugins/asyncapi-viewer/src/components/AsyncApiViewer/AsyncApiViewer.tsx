import { memo, useCallback, useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import {
  filterChannels,
  parseAsyncApi,
  type AsyncApiView,
  type ChannelView,
  type MessageView,
  type OperationView,
  type SearchScope,
  type ServerView,
  type Tag,
} from '../../model';
import { isObject, safeStringify, type JsonObject } from '../../refs';
import { Markdown } from '../Markdown';
import { SchemaView } from '../SchemaView';
import { VIEWER_CSS } from './styles';

/** Channels rendered at first (collapsed); "show more" renders the next page. */
export const PAGE_SIZE = 200;

export interface AsyncApiViewerProps {
  /** The AsyncAPI document (YAML or JSON text, as in `spec.definition`). */
  definition: string;
}

/** Parsed documents by definition text: switching tabs (AsyncAPI ↔ Raw) does not parse again. */
const parseCache = new Map<string, ReturnType<typeof parseAsyncApi>>();
function parseCached(definition: string) {
  let hit = parseCache.get(definition);
  if (!hit) {
    hit = parseAsyncApi(definition);
    if (parseCache.size >= 8) parseCache.delete(parseCache.keys().next().value as string);
    parseCache.set(definition, hit);
  }
  return hit;
}

/** AsyncAPI 2.x / 3.0 / 3.1 definition widget. */
export function AsyncApiViewer({ definition }: AsyncApiViewerProps) {
  const parsed = useMemo(() => parseCached(definition), [definition]);
  return (
    <div className="aav-root" data-testid="asyncapi-viewer">
      <style>{VIEWER_CSS}</style>
      {parsed.ok ? (
        <DocumentView view={parsed.view} />
      ) : (
        <div className="aav-error" role="alert">
          <strong>This AsyncAPI definition cannot be displayed.</strong>
          <div>
            {parsed.error.message}
            {parsed.error.line !== undefined && ` (line ${parsed.error.line}, column ${parsed.error.column ?? 1})`}
          </div>
          <div className="aav-muted">The raw definition is still available in the Raw tab.</div>
        </div>
      )}
    </div>
  );
}

function DocumentView({ view }: { view: AsyncApiView }) {
  const [query, setQuery] = useState('');
  const [scope, setScope] = useState<SearchScope>('all');
  const [tag, setTag] = useState('');
  const [limit, setLimit] = useState(PAGE_SIZE);
  const deferredQuery = useDeferredValue(query);
  const filtered = useMemo(() => filterChannels(view.channels, { query: deferredQuery, scope, tag }), [view.channels, deferredQuery, scope, tag]);
  const shown = filtered.length > limit ? filtered.slice(0, limit) : filtered;
  const { info } = view;
  return (
    <>
      <header className="aav-header">
        <h2 className="aav-title">
          {info.title} {info.version && <span className="aav-badge">v{info.version}</span>} <span className="aav-badge aav-badge-spec">AsyncAPI {view.asyncapi}</span>
        </h2>
        {view.id && <div className="aav-muted">{view.id}</div>}
        {info.description && <Markdown source={info.description} />}
        <div className="aav-meta-line">
          {info.contact && (
            <span>
              Contact: {info.contact.name}
              {info.contact.email && <> &lt;{info.contact.email}&gt;</>}
            </span>
          )}
          {info.license?.name && <span>License: {info.license.name}</span>}
          {view.defaultContentType && <span>Default content type: {view.defaultContentType}</span>}
        </div>
        <Tags tags={info.tags} />
        {view.warnings.map((w) => (
          <div key={w} className="aav-warning">
            {w}
          </div>
        ))}
      </header>
      {view.servers.length > 0 && <ServersView servers={view.servers} />}
      <section className="aav-section" aria-label="Channels">
        <h3 className="aav-h3">
          Channels <span className="aav-muted">({plural(view.channels.length, 'channel')}, {plural(view.operations.length, 'operation')})</span>
        </h3>
        <div className="aav-toolbar" role="search">
          <input
            type="search"
            className="aav-input"
            placeholder="Search channels, operations, messages…"
            aria-label="Search channels, operations and messages"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setLimit(PAGE_SIZE);
            }}
          />
          <select className="aav-input" aria-label="Search in" value={scope} onChange={(e) => setScope(e.target.value as SearchScope)}>
            <option value="all">everything</option>
            <option value="channel">channel names</option>
            <option value="operation">operation names</option>
            <option value="message">message names</option>
          </select>
          {view.tagNames.length > 0 && (
            <select className="aav-input" aria-label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
              <option value="">all tags</option>
              {view.tagNames.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
          <span className="aav-muted" aria-live="polite" data-testid="asyncapi-count">
            {filtered.length === view.channels.length ? plural(filtered.length, 'channel') : `${filtered.length} of ${plural(view.channels.length, 'channel')}`}
          </span>
        </div>
        <ul className="aav-list">
          {shown.map((c) => (
            <ChannelRow key={c.key} channel={c} root={view.root} />
          ))}
        </ul>
        {filtered.length > shown.length && (
          <div className="aav-more">
            <button type="button" className="aav-button" onClick={() => setLimit((l) => l + PAGE_SIZE)}>
              Show {Math.min(PAGE_SIZE, filtered.length - shown.length)} more
            </button>
            <button type="button" className="aav-button" onClick={() => setLimit(Number.MAX_SAFE_INTEGER)}>
              Show all {filtered.length}
            </button>
          </div>
        )}
        {filtered.length === 0 && <div className="aav-muted">No channel matches.</div>}
      </section>
    </>
  );
}

function ServersView({ servers }: { servers: ServerView[] }) {
  const [open, setOpen] = useState(servers.length <= 5);
  return (
    <section className="aav-section" aria-label="Servers">
      <button type="button" className="aav-h3 aav-linklike" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? '▾' : '▸'} Servers <span className="aav-muted">({servers.length})</span>
      </button>
      {open && (
        <ul className="aav-list">
          {servers.map((s) => (
            <li key={s.key} className="aav-card">
              <div className="aav-row-head">
                <span className="aav-name">{s.key}</span>
                {s.protocol && (
                  <span className="aav-badge">
                    {s.protocol}
                    {s.protocolVersion ? ` ${s.protocolVersion}` : ''}
                  </span>
                )}
                <code className="aav-address">{s.url}</code>
              </div>
              {s.description && <Markdown source={s.description} />}
              {s.variables && <KeyValues title="Variables" value={s.variables} />}
              <Bindings bindings={s.bindings} />
              <Tags tags={s.tags} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function actionBadge(o: OperationView) {
  return (
    <span key={o.key} className={`aav-badge aav-${o.action}`} title={o.legacyAction ? `${o.legacyAction} (AsyncAPI 2.x)` : undefined}>
      {o.action.toUpperCase()}
    </span>
  );
}

const ChannelRow = memo(function ChannelRow({ channel, root }: { channel: ChannelView; root: unknown }) {
  const [open, setOpen] = useState(false);
  const toggle = useCallback(() => setOpen((o) => !o), []);
  const c = channel;
  return (
    <li className="aav-card" data-channel={c.key}>
      <button type="button" className="aav-row-head aav-linklike" aria-expanded={open} onClick={toggle}>
        <span className="aav-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="aav-name">{c.key}</span>
        {c.address !== undefined && c.address !== c.key && <code className="aav-address">{c.address}</code>}
        {c.operations.map(actionBadge)}
        <span className="aav-muted">
          {plural(c.messages.length, 'message')}
        </span>
      </button>
      {open && <ChannelDetails channel={c} root={root} />}
    </li>
  );
});

function ChannelDetails({ channel: c, root }: { channel: ChannelView; root: unknown }) {
  return (
    <div className="aav-details">
      {c.title && <div className="aav-name">{c.title}</div>}
      {c.summary && <div>{c.summary}</div>}
      {c.description && <Markdown source={c.description} />}
      {c.servers.length > 0 && <div className="aav-muted">Servers: {c.servers.join(', ')}</div>}
      <Tags tags={c.tags} />
      {c.parameters.length > 0 && (
        <Block title="Parameters">
          {c.parameters.map((p) => (
            <div key={p.name} className="aav-param">
              <code className="aav-name">{`{${p.name}}`}</code>
              {p.enum && <code className="aav-constraint">enum: {p.enum.map((v) => safeStringify(v, 0)).join(', ')}</code>}
              {p.default !== undefined && <code className="aav-constraint">default: {safeStringify(p.default, 0)}</code>}
              {p.location && <code className="aav-constraint">location: {p.location}</code>}
              {p.description && <Markdown source={p.description} inline />}
              {p.schema !== undefined && <SchemaView root={root} schema={p.schema} />}
            </div>
          ))}
        </Block>
      )}
      <Bindings bindings={c.bindings} root={root} />
      {c.operations.length > 0 && (
        <Block title="Operations">
          {c.operations.map((o) => (
            <OperationBlock key={o.key} op={o} root={root} />
          ))}
        </Block>
      )}
      {c.messages.length > 0 && (
        <Block title="Messages">
          <ul className="aav-list">
            {c.messages.map((m) => (
              <MessageRow key={`${m.key}:${m.ref ?? ''}`} message={m} root={root} />
            ))}
          </ul>
        </Block>
      )}
    </div>
  );
}

function OperationBlock({ op, root }: { op: OperationView; root: unknown }) {
  return (
    <div className="aav-op" data-operation={op.key}>
      <div className="aav-row-head">
        {actionBadge(op)}
        <span className="aav-name">{op.key}</span>
        {op.legacyAction && <span className="aav-muted">({op.legacyAction})</span>}
        {op.title && <span>{op.title}</span>}
      </div>
      {op.summary && <div>{op.summary}</div>}
      {op.description && <Markdown source={op.description} />}
      {op.messages.length > 0 && <div className="aav-muted">Messages: {op.messages.map((m) => m.name).join(', ')}</div>}
      {op.reply && (
        <div className="aav-muted">
          Reply: {op.reply.channelKey ?? op.reply.address ?? 'dynamic'}
          {op.reply.messages.length > 0 && ` (${op.reply.messages.join(', ')})`}
        </div>
      )}
      <Bindings bindings={op.bindings} root={root} />
      <Tags tags={op.tags} />
    </div>
  );
}

const MessageRow = memo(function MessageRow({ message: m, root }: { message: MessageView; root: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="aav-card aav-message" data-message={m.name}>
      <button type="button" className="aav-row-head aav-linklike" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="aav-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="aav-name">{m.name}</span>
        {m.title && <span>{m.title}</span>}
        {m.contentType && <span className="aav-badge">{m.contentType}</span>}
        {m.unresolved && <span className="aav-warn">{m.unresolved}</span>}
      </button>
      {open && <MessageDetails message={m} root={root} />}
    </li>
  );
});

function MessageDetails({ message: m, root }: { message: MessageView; root: unknown }) {
  return (
    <div className="aav-details">
      {m.summary && <div>{m.summary}</div>}
      {m.description && <Markdown source={m.description} />}
      {m.schemaFormat && <div className="aav-muted">Schema format: {m.schemaFormat}</div>}
      <Tags tags={m.tags} />
      {m.headers !== undefined && (
        <Block title="Headers">
          <SchemaView root={root} schema={schemaOf(m.headers)} />
        </Block>
      )}
      <Block title="Payload">{m.payload === undefined ? <span className="aav-muted">No payload schema.</span> : <SchemaView root={root} schema={schemaOf(m.payload)} />}</Block>
      {m.correlationId && (
        <Block title="Correlation ID">
          <code>{String(m.correlationId.location ?? '')}</code> {typeof m.correlationId.description === 'string' && <Markdown source={m.correlationId.description} inline />}
        </Block>
      )}
      <Bindings bindings={m.bindings} root={root} />
      {m.examples.length > 0 && (
        <Block title="Examples">
          {m.examples.map((ex, i) => (
            <div key={i} className="aav-example">
              <div className="aav-muted">{typeof ex.name === 'string' ? ex.name : `Example ${i + 1}`}{typeof ex.summary === 'string' ? ` — ${ex.summary}` : ''}</div>
              {ex.headers !== undefined && <pre className="aav-pre">{safeStringify(ex.headers)}</pre>}
              {ex.payload !== undefined && <pre className="aav-pre">{safeStringify(ex.payload)}</pre>}
            </div>
          ))}
        </Block>
      )}
    </div>
  );
}

/** A 3.x Multi Format Schema Object wraps the schema in `{ schemaFormat, schema }`. */
function schemaOf(v: unknown): unknown {
  if (isObject(v) && typeof v.schemaFormat === 'string' && 'schema' in v) return v.schema;
  return v;
}

/** Binding fields whose values are schemas (Kafka key / groupId / clientId, ...). */
const SCHEMA_FIELDS = new Set(['key', 'groupId', 'clientId', 'query', 'headers']);

function Bindings({ bindings, root }: { bindings?: JsonObject; root?: unknown }) {
  if (!bindings || Object.keys(bindings).length === 0) return null;
  return (
    <Block title="Bindings">
      {Object.entries(bindings).map(([protocol, b]) => (
        <div key={protocol} className="aav-binding" data-binding={protocol}>
          <span className="aav-badge">{protocol}</span>
          {isObject(b) ? (
            <dl className="aav-kv">
              {Object.entries(b).map(([k, v]) => (
                <div key={k} className="aav-kv-row">
                  <dt>{k}</dt>
                  <dd>{SCHEMA_FIELDS.has(k) && isObject(v) && root !== undefined ? <SchemaView root={root} schema={v} /> : <Value value={v} />}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <Value value={b} />
          )}
        </div>
      ))}
    </Block>
  );
}

function KeyValues({ title, value }: { title: string; value: JsonObject }) {
  return (
    <Block title={title}>
      <dl className="aav-kv">
        {Object.entries(value).map(([k, v]) => (
          <div key={k} className="aav-kv-row">
            <dt>{k}</dt>
            <dd>
              <Value value={v} />
            </dd>
          </div>
        ))}
      </dl>
    </Block>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === null || typeof value !== 'object') return <code>{String(value)}</code>;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return <code>{value.map(String).join(', ')}</code>;
  return <pre className="aav-pre">{safeStringify(value)}</pre>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="aav-block">
      <div className="aav-block-title">{title}</div>
      {children}
    </div>
  );
}

function Tags({ tags }: { tags: Tag[] }) {
  if (tags.length === 0) return null;
  return (
    <div className="aav-tags">
      {tags.map((t) => (
        <span key={t.name} className="aav-tag" title={t.description}>
          #{t.name}
        </span>
      ))}
    </div>
  );
}

export default AsyncApiViewer;
