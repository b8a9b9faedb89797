import { validateDefinition, isValidatedType } from '@api-observatory/backstage-plugin-catalog-backend-module-api-validator';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
import type { Gate } from './gate';

/** The API definition passes the catalog validator (no error findings). */
export const definitionGate: Gate = {
  name: 'definition',
  title: 'API definition',
  description: 'The API definition (OpenAPI or AsyncAPI) passes the catalog validator without errors.',
  requiredByDefault: (gates) => gates.definition.required,
  create: () => async ({ entity }) => {
    const spec = (entity.spec ?? {}) as { type?: unknown; definition?: unknown };
    if (!isValidatedType(spec.type)) {
      return { status: 'unknown', summary: `spec.type ${JSON.stringify(spec.type)} is not validated (openapi and asyncapi are)`, evidence: null };
    }
    if (typeof spec.definition !== 'string') return { status: 'failed', summary: 'the entity has no spec.definition', evidence: null };
    const v = validateDefinition({ type: spec.type, definition: spec.definition, gatewayApiName: entity.metadata.annotations?.[API_NAME_ANNOTATION] });
    const evidence = { detected: v.detected, errors: v.errors, warnings: v.warnings, findings: v.findings.slice(0, 50) };
    return v.errors === 0
      ? { status: 'passed', summary: `${v.detected ?? 'definition'} valid (${v.warnings} warnings)`, evidence }
      : { status: 'failed', summary: `${v.errors} validation errors`, evidence };
  },
};
