import type { Gateway } from '@api-observatory/telemetry-contract';

/**
 * Span attribute keys the gateways emit (natively or through the pack's enrichment snippets), per
 * gateway. GATEWAY-FORMATS.md §5–§7 documents where each comes from; the collector maps these onto
 * the contract's attributes.
 */
export interface GatewaySpanKeys {
  service: string;
  routeName: string;
  consumer: string;
  method: string;
  statusCode: string;
  country: string;
  jwtSub: string;
  jwtAzp: string;
  jwtPlan: string;
  /** Keys that carry credentials or PII when leaking is on. */
  url: string;
  authorization: string;
  cookie: string;
  email: string;
}

export const SPAN_KEYS: Record<Gateway, GatewaySpanKeys> = {
  kong: {
    service: 'kong.service.name',
    routeName: 'kong.route.name',
    consumer: 'kong.consumer.username',
    method: 'http.method',
    statusCode: 'http.status_code',
    country: 'http.request.header.x_client_country',
    jwtSub: 'jwt.sub',
    jwtAzp: 'jwt.azp',
    jwtPlan: 'jwt.plan',
    url: 'http.url',
    authorization: 'http.request.header.authorization',
    cookie: 'http.request.header.cookie',
    email: 'enduser.id',
  },
  apisix: {
    service: 'apisix.service_name',
    routeName: 'apisix.route_name',
    consumer: 'apisix.consumer_name',
    method: 'http.method',
    statusCode: 'http.response.status_code',
    country: 'http_x_client_country',
    jwtSub: 'jwt.sub',
    jwtAzp: 'jwt.azp',
    jwtPlan: 'jwt.plan',
    url: 'http.target',
    authorization: 'authorization',
    cookie: 'cookie',
    email: 'enduser.id',
  },
};

/** Resource `service.name` each gateway's OpenTelemetry plugin reports. */
export const GATEWAY_RESOURCE_SERVICE_NAME: Record<Gateway, string> = { kong: 'kong', apisix: 'APISIX' };

/** OTLP span kinds (opentelemetry.proto.trace.v1.Span.SpanKind). */
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;
/** OTLP status codes. */
export const STATUS_CODE_UNSET = 0;
export const STATUS_CODE_ERROR = 2;
