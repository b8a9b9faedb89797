/**
 * The trace view: a span waterfall of one trace, and its distinct states. Pure views: the page
 * (TracePage.tsx) binds them to the route, the API client and Backstage's links, so the jsdom tests
 * render them with plain props. Every value from the trace is rendered as React text.
 */
import { useState, type ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { TraceSpan, TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import type { ObservabilityApiError } from '../../api/client';
import { ExternalLink } from '../ExternalLink';
import { formatMicros } from '../../format';

const ERROR_RED = '#d32f2f';
const ERROR_BACKGROUND = 'rgba(211, 47, 47, 0.08)';
const BAR_BLUE = '#1976d2';
const wrap = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;

/** Renders an in-app link (the page passes Backstage's Link; tests a plain anchor). */
export type RenderLink = (to: string, text: string, testId: string) => ReactNode;
const plainLink: RenderLink = (to, text, testId) => (
  <a href={to} data-testid={testId}>
    {text}
  </a>
);

export type TraceLoadState =
  | { status: 'loading' }
  | { status: 'error'; error: ObservabilityApiError }
  | { status: 'loaded'; trace: TraceView };

function Attributes(props: { title: string; items: TraceSpan['attributes']; testId: string }) {
  if (props.items.length === 0) return null;
  return (
    <Box mt={1}>
      <Typography variant="overline" color="textSecondary">
        {props.title}
      </Typography>
      <table data-testid={props.testId} style={{ borderCollapse: 'collapse', width: '100%', fontSize: 13 }}>
        <tbody>
          {props.items.map((a, i) => (
            <tr key={`${a.key}|${i}`}>
              <td style={{ ...wrap, fontFamily: 'monospace', padding: '2px 12px 2px 0', verticalAlign: 'top', width: '30%' }}>{a.key}</td>
              <td style={{ ...wrap, fontFamily: 'monospace', padding: '2px 0' }}>{a.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  );
}

function SpanRow(props: { span: TraceSpan; total: number; entityHref(ref: string): string | undefined; renderLink: RenderLink }) {
  const { span: s, total } = props;
  const [open, setOpen] = useState(false);
  const error = s.status === 'error';
  const left = total > 0 ? (s.startOffsetMicros / total) * 100 : 0;
  const width = total > 0 ? Math.max((s.durationMicros / total) * 100, 0.3) : 100;
  const entityTo = s.api?.entityRef ? props.entityHref(s.api.entityRef) : undefined;
  return (
    <Box
      data-testid="trace-span"
      data-span-id={s.spanId}
      data-status={s.status}
      data-depth={s.depth}
      borderBottom={1}
      borderColor="divider"
      style={{ background: error ? ERROR_BACKGROUND : undefined }}
    >
      <Box display="flex" alignItems="center" py={0.5}>
        <Box width="45%" pl={1 + s.depth * 2} pr={1} display="flex" alignItems="center" style={{ gap: 8, minWidth: 0 }}>
          <button
            type="button"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} attributes of ${s.name}`}
            data-testid="trace-span-toggle"
            onClick={() => setOpen((o) => !o)}
            style={{ border: 'none', background: 'none', cursor: 'pointer', padding: 0, width: 16 }}
          >
            {open ? '▾' : '▸'}
          </button>
          <Box style={{ minWidth: 0 }}>
            <Typography variant="body2" style={{ ...wrap, fontWeight: 500, color: error ? ERROR_RED : undefined }} data-testid="trace-span-name">
              {s.name}
              {error ? ' (error)' : ''}
            </Typography>
            <Typography variant="caption" color="textSecondary" component="div" style={wrap}>
              <span data-testid="trace-span-service">{s.service || '(no service.name)'}</span> · {s.kind}
              {s.api && (
                <>
                  {' · API '}
                  {entityTo ? props.renderLink(entityTo, s.api.api, 'trace-span-api-link') : <span data-testid="trace-span-api">{s.api.api}</span>}{' '}
                  {s.api.version}
                  {s.api.role !== 'stable' ? ` (${s.api.role})` : ''}
                </>
              )}
            </Typography>
          </Box>
        </Box>
        <Box width="55%" pr={1} position="relative" height={22}>
          <div
            data-testid="trace-span-bar"
            title={`${s.name}: ${formatMicros(s.durationMicros)} at +${formatMicros(s.startOffsetMicros)}`}
            style={{
              position: 'absolute',
              top: 5,
              height: 12,
              left: `${left}%`,
              width: `${Math.min(width, 100 - left)}%`,
              minWidth: 2,
              background: error ? ERROR_RED : BAR_BLUE,
              borderRadius: 2,
            }}
          />
          <Typography
            variant="caption"
            data-testid="trace-span-duration"
            style={{ position: 'absolute', top: 2, left: `${Math.min(left + width, 85)}%`, paddingLeft: 6, whiteSpace: 'nowrap' }}
          >
            {formatMicros(s.durationMicros)}
          </Typography>
        </Box>
      </Box>
      {open && (
        <Box px={2} pb={1} data-testid="trace-span-details">
          <Typography variant="caption" color="textSecondary" component="div">
            span {s.spanId}
            {s.parentSpanId ? ` · parent ${s.parentSpanId}` : ''} · starts at +{formatMicros(s.startOffsetMicros)} · status {s.status}
          </Typography>
          {s.statusMessage && (
            <Typography variant="body2" style={{ ...wrap, color: ERROR_RED }} data-testid="trace-span-status-message">
              {s.statusMessage}
            </Typography>
          )}
          <Attributes title="Attributes" items={s.attributes} testId="trace-span-attributes" />
          <Attributes title="Resource" items={s.resource} testId="trace-span-resource" />
        </Box>
      )}
    </Box>
  );
}

/** The waterfall: one row per span (depth-first as the backend orders them), bars on the trace's time axis. */
export function TraceWaterfall(props: { trace: TraceView; entityHref(ref: string): string | undefined; renderLink?: RenderLink }) {
  const t = props.trace;
  const renderLink = props.renderLink ?? plainLink;
  return (
    <Box data-testid="trace-view" data-trace-id={t.traceId}>
      <Box mb={2}>
        <Typography variant="h5" style={wrap}>
          Trace <code>{t.traceId}</code>
        </Typography>
        <Typography variant="body2" data-testid="trace-summary">
          {new Date(t.startTime).toLocaleString()} · {formatMicros(t.durationMicros)} · {t.spans.length} span{t.spans.length === 1 ? '' : 's'} ·{' '}
          {t.services.join(', ') || 'no service'} ·{' '}
          <span data-testid="trace-error-count" style={{ color: t.errorCount ? ERROR_RED : undefined, fontWeight: t.errorCount ? 600 : undefined }}>
            {t.errorCount} error{t.errorCount === 1 ? '' : 's'}
          </span>{' '}
          · from {t.store === 'jaeger' ? 'Jaeger' : 'Tempo'}
        </Typography>
        {(t.links.jaegerUi || t.links.grafana) && (
          <Box display="flex" style={{ gap: 16 }} mt={0.5}>
            <ExternalLink href={t.links.jaegerUi} testId="trace-link-jaeger">
              Open in Jaeger
            </ExternalLink>
            <ExternalLink href={t.links.grafana} testId="trace-link-grafana">
              Open in Grafana
            </ExternalLink>
          </Box>
        )}
      </Box>
      <Box display="flex" borderBottom={2} borderColor="divider" pb={0.5}>
        <Box width="45%" pl={1}>
          <Typography variant="overline">Span</Typography>
        </Box>
        <Box width="55%" pr={1} display="flex" justifyContent="space-between">
          {[0, 0.25, 0.5, 0.75, 1].map((f) => (
            <Typography key={f} variant="overline" color="textSecondary">
              {formatMicros(t.durationMicros * f)}
            </Typography>
          ))}
        </Box>
      </Box>
      {t.spans.map((s) => (
        <SpanRow key={s.spanId} span={s} total={t.durationMicros} entityHref={props.entityHref} renderLink={renderLink} />
      ))}
    </Box>
  );
}

/** The page body for a trace id: loading, the distinct error states, or the waterfall. */
export function TracePageView(props: { traceId: string; state: TraceLoadState; entityHref(ref: string): string | undefined; renderLink?: RenderLink }) {
  const { state, traceId } = props;
  if (state.status === 'loading') return <LinearProgress data-testid="trace-loading" />;
  if (state.status === 'loaded') return <TraceWaterfall trace={state.trace} entityHref={props.entityHref} renderLink={props.renderLink} />;
  const e = state.error;
  // A plain panel (no core-components here, so that the view renders in the jsdom tests).
  const panel = (title: string, testId: string, severity: 'info' | 'error', body: ReactNode) => (
    <Box data-testid={testId} role={severity === 'error' ? 'alert' : 'status'} border={1} borderRadius={4} p={2} style={{ borderColor: severity === 'error' ? ERROR_RED : BAR_BLUE }}>
      <Typography variant="h6" style={{ color: severity === 'error' ? ERROR_RED : undefined }}>
        {title}
      </Typography>
      <Typography variant="body2" style={wrap}>
        {body}
      </Typography>
    </Box>
  );
  switch (e.code) {
    case 'BAD_REQUEST':
      return panel('Not a trace id', 'trace-state-bad-id', 'info', <>{JSON.stringify(traceId)} is not a trace id: a trace id is 16 or 32 hexadecimal digits.</>);
    case 'TRACE_NOT_FOUND':
      return panel('Trace not found', 'trace-state-not-found', 'info', <>The trace store has no trace {traceId}: the id is unknown, or the trace has expired from the store.</>);
    case 'TRACE_STORE_UNREACHABLE':
      return panel('Trace store unreachable', 'trace-state-unreachable', 'error', e.message);
    case 'NOT_CONFIGURED':
      return panel('No trace store configured', 'trace-state-not-configured', 'info', e.message);
    default:
      return panel('Trace unavailable', 'trace-state-error', 'error', `${e.code}: ${e.message}`);
  }
}
