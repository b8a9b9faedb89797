/**
 * Span attribute keys a gateway emits (natively or through the pack's enrichment snippets); each
 * gateway's profile holds its own (profiles/kong-3.ts, profiles/apisix.ts). GATEWAY-FORMATS.md §5–§7
 * documents where each comes from; the collector maps these onto the contract's attributes.
 */
export interface GatewaySpanKeys {
  service: string;
  routeName: string;
  consumer: string;
  method: string;
  statusCode: string;
  country: string;
  jwtIss: string;
  jwtSub: string;
  jwtAzp: string;
  jwtTenant: string;
  jwtPlan: string;
  /** Keys that carry credentials or PII when leaking is on. */
  url: string;
  authorization: string;
  cookie: string;
  email: string;
}

/** OTLP span kinds (opentelemetry.proto.trace.v1.Span.SpanKind). */
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;
/** OTLP status codes. */
export const STATUS_CODE_UNSET = 0;
export const STATUS_CODE_ERROR = 2;
