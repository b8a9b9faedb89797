import { memo, useState, type ReactNode } from 'react';
import { deref, isObject, refName, safeStringify, type JsonObject } from '../../refs';
import { Markdown } from '../Markdown';

/** Levels shown open at first; deeper levels expand on click. */
const OPEN_DEPTH = 2;
/** Hard stop for absurdly deep (non-cyclic) schemas. */
const MAX_DEPTH = 40;

interface SchemaProps {
  root: unknown;
  schema: unknown;
  name?: string;
  required?: boolean;
  depth?: number;
  /** Refs being expanded above this node (cycle protection). */
  refs?: readonly string[];
  /** Objects being expanded above this node (cycles built by YAML anchors). */
  objects?: readonly object[];
  label?: string;
}

function typeLabel(s: JsonObject): string {
  const t = s.type;
  if (Array.isArray(t)) return t.join(' | ');
  if (typeof t === 'string') {
    if (t === 'array' && isObject(s.items)) {
      const items = s.items;
      const inner = typeof items.type === 'string' ? items.type : items.$ref ? refName(String(items.$ref)) : undefined;
      return inner ? `array<${inner}>` : 'array';
    }
    return t;
  }
  if (s.properties) return 'object';
  if (s.allOf) return 'allOf';
  if (s.oneOf) return 'oneOf';
  if (s.anyOf) return 'anyOf';
  if (s.enum) return 'enum';
  if ('const' in s) return 'const';
  return 'any';
}

const CONSTRAINTS = ['format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'multipleOf', 'contentEncoding', 'contentMediaType'];

function constraintsOf(s: JsonObject): string[] {
  const out: string[] = [];
  for (const k of CONSTRAINTS) if (s[k] !== undefined) out.push(`${k}: ${typeof s[k] === 'object' ? safeStringify(s[k], 0) : String(s[k])}`);
  if (Array.isArray(s.enum)) out.push(`enum: ${s.enum.map((v) => safeStringify(v, 0)).join(', ')}`);
  if ('const' in s) out.push(`const: ${safeStringify(s.const, 0)}`);
  if (s.default !== undefined) out.push(`default: ${safeStringify(s.default, 0)}`);
  if (s.deprecated === true) out.push('deprecated');
  if (s.readOnly === true) out.push('read-only');
  if (s.writeOnly === true) out.push('write-only');
  return out;
}

interface Child {
  key: string;
  node: ReactNode;
}

export const SchemaView = memo(function SchemaView(props: SchemaProps) {
  const { root, schema, name, required, label } = props;
  const depth = props.depth ?? 0;
  const refs = props.refs ?? [];
  const objects = props.objects ?? [];
  const [open, setOpen] = useState(depth < OPEN_DEPTH);

  if (schema === true || schema === undefined) return <Row name={name} required={required} label={label} type="any" />;
  if (schema === false) return <Row name={name} required={required} label={label} type="never" />;

  const d = deref(root, schema, refs);
  if (d.status === 'external') {
    return <Row name={name} required={required} label={label} type="external $ref" note={`${d.ref} (not fetched)`} kind="warn" />;
  }
  if (d.status === 'missing') {
    return <Row name={name} required={required} label={label} type="unresolved $ref" note={d.ref} kind="warn" />;
  }
  if (d.status === 'circular') {
    return <Row name={name} required={required} label={label} type={`↻ ${refName(d.ref) ?? 'circular'}`} note={`circular reference to ${d.ref}`} kind="cycle" />;
  }
  const s = d.value;
  if (!isObject(s)) return <Row name={name} required={required} label={label} type={typeof s} note={safeStringify(s, 0)} />;
  if (objects.includes(s)) return <Row name={name} required={required} label={label} type="↻ circular" note="circular structure" kind="cycle" />;

  const nextRefs = d.chain.length ? [...refs, ...d.chain] : refs;
  const nextObjects = [...objects, s];
  const childProps = { root, depth: depth + 1, refs: nextRefs, objects: nextObjects };
  const children: Child[] = [];
  if (depth < MAX_DEPTH) {
    const req = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
    if (isObject(s.properties)) {
      for (const [k, v] of Object.entries(s.properties)) children.push({ key: `p:${k}`, node: <SchemaView {...childProps} schema={v} name={k} required={req.has(k)} /> });
    }
    if (isObject(s.patternProperties)) {
      for (const [k, v] of Object.entries(s.patternProperties)) children.push({ key: `pp:${k}`, node: <SchemaView {...childProps} schema={v} name={`/${k}/`} /> });
    }
    if (s.additionalProperties !== undefined && s.additionalProperties !== true && s.additionalProperties !== false) {
      children.push({ key: 'ap', node: <SchemaView {...childProps} schema={s.additionalProperties} name="[additional]" /> });
    }
    if (Array.isArray(s.items)) {
      s.items.forEach((it, i) => children.push({ key: `i:${i}`, node: <SchemaView {...childProps} schema={it} name={`[${i}]`} /> }));
    } else if (s.items !== undefined) {
      children.push({ key: 'items', node: <SchemaView {...childProps} schema={s.items} name="[items]" /> });
    }
    for (const comb of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = s[comb];
      if (Array.isArray(list)) {
        list.forEach((sub, i) => children.push({ key: `${comb}:${i}`, node: <SchemaView {...childProps} schema={sub} label={`${comb} #${i + 1}`} /> }));
      }
    }
    if (s.not !== undefined) children.push({ key: 'not', node: <SchemaView {...childProps} schema={s.not} label="not" /> });
  }
  const refLabel = d.ref ? refName(d.ref) : undefined;
  const desc = typeof s.description === 'string' ? s.description : undefined;
  return (
    <div className="aav-schema">
      <Row
        name={name}
        label={label}
        required={required}
        type={typeLabel(s)}
        refLabel={refLabel}
        title={typeof s.title === 'string' ? s.title : undefined}
        constraints={constraintsOf(s)}
        description={desc}
        expandable={children.length > 0}
        open={open}
        onToggle={() => setOpen((o) => !o)}
        examples={Array.isArray(s.examples) ? s.examples : s.example !== undefined ? [s.example] : undefined}
      />
      {open && children.length > 0 && (
        <div className="aav-schema-children">
          {children.map((c) => (
            <div key={c.key}>{c.node}</div>
          ))}
        </div>
      )}
    </div>
  );
});

function Row(p: {
  name?: string;
  label?: string;
  required?: boolean;
  type: string;
  refLabel?: string;
  title?: string;
  note?: string;
  kind?: 'warn' | 'cycle';
  constraints?: string[];
  description?: string;
  expandable?: boolean;
  open?: boolean;
  onToggle?: () => void;
  examples?: unknown[];
}) {
  const head = (
    <>
      {p.expandable ? <span className="aav-caret" aria-hidden="true">{p.open ? '▾' : '▸'}</span> : <span className="aav-caret" aria-hidden="true" />}
      {p.label && <span className="aav-schema-label">{p.label}</span>}
      {p.name !== undefined && <span className="aav-prop-name">{p.name}</span>}
      {p.required && <span className="aav-required" title="required">*</span>}
      <span className={`aav-type${p.kind ? ` aav-${p.kind}` : ''}`}>{p.type}</span>
      {p.refLabel && <span className="aav-ref">{p.refLabel}</span>}
      {p.title && <span className="aav-muted">{p.title}</span>}
      {p.note && <span className="aav-muted">{p.note}</span>}
    </>
  );
  return (
    <div className="aav-schema-row">
      {p.expandable ? (
        <button type="button" className="aav-schema-head aav-linklike" aria-expanded={p.open} onClick={p.onToggle}>
          {head}
        </button>
      ) : (
        <div className="aav-schema-head">{head}</div>
      )}
      {(p.constraints?.length || p.description || p.examples) && (
        <div className="aav-schema-meta">
          {p.constraints?.map((c) => (
            <code key={c} className="aav-constraint">
              {c}
            </code>
          ))}
          {p.description && <Markdown source={p.description} inline />}
          {p.examples?.slice(0, 3).map((e, i) => (
            <code key={`ex${i}`} className="aav-constraint">
              example: {safeStringify(e, 0, 300)}
            </code>
          ))}
        </div>
      )}
    </div>
  );
}
