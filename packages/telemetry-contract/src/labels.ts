/**
 * Label (attribute) names of the normalized schema.
 *
 * `attribute` is the OpenTelemetry attribute key the collector writes; `label` is the Prometheus label
 * that key becomes after remote write (dots become underscores). HTTP keys follow the stable OTel HTTP
 * semantic conventions; the pack's own keys have no dots so that both spellings are the same.
 */
export const LABELS = {
  gateway: { attribute: 'gateway', label: 'gateway', description: 'Gateway product that served the request: kong or apisix.' },
  api: { attribute: 'api', label: 'api', description: 'API name (the Backstage API entity name).' },
  apiVersion: { attribute: 'api_version', label: 'api_version', description: 'Deployed API version, e.g. v2.' },
  deploymentRole: {
    attribute: 'deployment_role',
    label: 'deployment_role',
    description: 'Role of the backend in a progressive rollout: stable, baseline or canary.',
  },
  route: { attribute: 'http.route', label: 'http_route', description: 'Gateway route name (OTel http.route).' },
  method: { attribute: 'http.request.method', label: 'http_request_method', description: 'HTTP request method.' },
  statusCode: {
    attribute: 'http.response.status_code',
    label: 'http_response_status_code',
    description: 'HTTP response status code.',
  },
  statusClass: { attribute: 'status_class', label: 'status_class', description: 'Status class: 1xx to 5xx.' },
  consumer: { attribute: 'consumer', label: 'consumer', description: 'Gateway consumer (the calling application).' },
  plan: { attribute: 'plan', label: 'plan', description: 'Commercial plan of the consumer: free, pro or enterprise.' },
  tenant: { attribute: 'tenant', label: 'tenant', description: 'Tenant: the tenant claim of a token issued by the partners realm; unknown for another issuer or no claim.' },
  country: { attribute: 'country', label: 'country', description: 'ISO 3166-1 alpha-2 country of the client.' },
  direction: { attribute: 'direction', label: 'direction', description: 'Bandwidth direction: ingress or egress.' },
  baselineVersion: { attribute: 'baseline_version', label: 'baseline_version', description: 'Version a canary is compared against.' },
  decision: { attribute: 'decision', label: 'decision', description: 'Canary gate decision: promote, continue or rollback.' },
  gateMetric: { attribute: 'gate_metric', label: 'gate_metric', description: 'Name of a metric in a canary gate config.' },
  result: { attribute: 'result', label: 'result', description: 'Per-metric canary result: pass, high, low or nodata.' },
} as const;

export const CANARY_DECISIONS = ['promote', 'continue', 'rollback'] as const;
export type CanaryDecision = (typeof CANARY_DECISIONS)[number];
export const CANARY_METRIC_RESULTS = ['pass', 'high', 'low', 'nodata'] as const;
export type CanaryMetricResult = (typeof CANARY_METRIC_RESULTS)[number];

export type LabelKey = keyof typeof LABELS;
export type LabelName = (typeof LABELS)[LabelKey]['label'];

/** Every Prometheus label the contract defines, plus `le` for histogram buckets. */
export const LABEL_NAMES: ReadonlySet<string> = new Set<string>([...Object.values(LABELS).map((l) => l.label), 'le']);

/** A UTF-16 surrogate without its partner: it has no UTF-8 encoding (it would go out as U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Asserts that a label value can be sent to Prometheus as itself: a string (not coerced from another
 * type) that is well-formed UTF-16, so that its UTF-8 encoding is exact. `label`, when known, names it
 * in the error.
 */
export function assertLabelValue(label: string | undefined, value: unknown): asserts value is string {
  const what = label === undefined ? 'label value' : `label ${label}: value`;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${value === null ? 'null' : typeof value}`);
  const bad = LONE_SURROGATE.exec(value);
  if (bad) throw new RangeError(`${what} has a lone UTF-16 surrogate at index ${bad.index}; it has no UTF-8 encoding`);
}

export const GATEWAYS = ['kong', 'apisix'] as const;
export type Gateway = (typeof GATEWAYS)[number];

export const DEPLOYMENT_ROLES = ['stable', 'baseline', 'canary'] as const;
export type DeploymentRole = (typeof DEPLOYMENT_ROLES)[number];

export const PLANS = ['free', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export const BANDWIDTH_DIRECTIONS = ['ingress', 'egress'] as const;

/** Status class of a status code; what the collector computes into `status_class`. */
export function statusClassOf(code: number): StatusClass {
  if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`not an HTTP status code: ${code}`);
  return `${Math.floor(code / 100)}xx` as StatusClass;
}
