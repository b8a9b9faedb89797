import type { Severity } from './types';

export interface RuleDef {
  severity: Severity;
  /** oas2 = Swagger 2.0, oas3 = OpenAPI 3.0/3.1, aas2 / aas3 = AsyncAPI 2.x / 3.x. */
  appliesTo: ReadonlyArray<'oas2' | 'oas3' | 'aas2' | 'aas3'>;
  description: string;
  /** Safety and parse rules cannot be switched off or downgraded. */
  fixed?: boolean;
}

const ALL = ['oas2', 'oas3', 'aas2', 'aas3'] as const;
const OAS = ['oas2', 'oas3'] as const;
const AAS = ['aas2', 'aas3'] as const;

/** The ruleset: id → default severity and what it checks. `apiValidator.rules` overrides severities. */
export const RULES: Readonly<Record<string, RuleDef>> = {
  'document-limits': { severity: 'error', appliesTo: ALL, fixed: true, description: 'Size, nesting, node count, YAML alias expansion and time budget limits.' },
  'document-parse': { severity: 'error', appliesTo: ALL, fixed: true, description: 'The definition is valid JSON or YAML (duplicate keys are errors).' },
  'spec-version': { severity: 'error', appliesTo: ALL, fixed: true, description: 'A supported `openapi` (3.0.x, 3.1.x), `swagger` ("2.0") or `asyncapi` (2.x, 3.x) version string, matching spec.type.' },
  structure: { severity: 'error', appliesTo: ALL, description: "Required fields and types of the specification (info.title/version, paths, responses, parameters' name/in, servers' url/host/protocol, AsyncAPI operations' action/channel, ...)." },
  'ref-resolves': { severity: 'error', appliesTo: ALL, description: 'Every local `$ref` resolves inside the document; no circular `$ref` chains; no circular YAML aliases.' },
  'ref-external': { severity: 'error', appliesTo: ALL, fixed: true, description: 'External `$ref`s (http, https, file, relative paths) must match an `apiValidator.allowedRefs` prefix. They are never fetched.' },
  'info-description': { severity: 'warning', appliesTo: ALL, description: '`info.description` is present and not empty.' },
  'servers-defined': { severity: 'warning', appliesTo: ALL, description: 'At least one server (`servers`, or `host` in Swagger 2.0).' },
  'operation-operationId': { severity: 'warning', appliesTo: ['oas2', 'oas3', 'aas2'], description: 'Every operation has an `operationId` (AsyncAPI 3 operations are keyed by id).' },
  'operation-operationId-unique': { severity: 'error', appliesTo: ['oas2', 'oas3', 'aas2'], description: '`operationId`s are unique in the document.' },
  'operation-description': { severity: 'warning', appliesTo: ALL, description: 'Every operation has a `summary` or `description`.' },
  'operation-success-response': { severity: 'warning', appliesTo: OAS, description: 'Every operation declares at least one 2xx or 3xx response.' },
  'path-params-defined': { severity: 'error', appliesTo: OAS, description: 'Path template parameters (`/orders/{id}`) are declared `in: path` and declared path parameters appear in the template.' },
  'channel-params-defined': { severity: 'error', appliesTo: AAS, description: 'Channel name / address parameters (`user/{id}`) are declared in the channel\'s `parameters`.' },
  'security-schemes-defined': { severity: 'error', appliesTo: ALL, description: 'Every security requirement names (or references) a scheme defined in `components.securitySchemes` (`securityDefinitions` in Swagger 2.0).' },
  'security-schemes-referenced': { severity: 'warning', appliesTo: ALL, description: 'Every defined security scheme is used by some security requirement.' },
  'asyncapi-message-present': { severity: 'error', appliesTo: AAS, description: 'Every AsyncAPI operation has a message (2.x `message`, 3.x `messages` or its channel\'s messages).' },
  'asyncapi-payload-present': { severity: 'error', appliesTo: AAS, description: 'Every AsyncAPI message has a `payload` schema.' },
  'operation-gateway-route': { severity: 'warning', appliesTo: OAS, description: 'For entities with the `api-observatory.io/gateway` annotation, every operation names its gateway route in `x-gateway-route` as `<api-name>-<operation>`.' },
};
