import { createHash } from 'node:crypto';
import { validateDefinition, isValidatedType } from '@api-observatory/backstage-plugin-catalog-backend-module-api-validator';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
import type { Gate, GateVerdict } from './gate';

/**
 * Verdicts kept per gate instance. Validation is a pure function of (type, definition, gateway API
 * name), so a verdict is keyed by their hash and needs no expiry; a changed definition is a new key.
 * Bounded, least recently used first out.
 */
export const DEFINITION_CACHE_SIZE = 500;

/** A kept verdict is shared by every later request: frozen, so no caller can change it for the others. */
function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** The API definition passes the catalog validator (no error findings). */
export const definitionGate: Gate = {
  name: 'definition',
  title: 'API definition',
  description: 'The API definition (OpenAPI or AsyncAPI) passes the catalog validator without errors.',
  requiredByDefault: (gates) => gates.definition.required,
  create: () => {
    const verdicts = new Map<string, GateVerdict>();
    return async ({ entity }) => {
      const spec = (entity.spec ?? {}) as { type?: unknown; definition?: unknown };
      if (!isValidatedType(spec.type)) {
        return { status: 'unknown', summary: `spec.type ${JSON.stringify(spec.type)} is not validated (openapi and asyncapi are)`, evidence: null };
      }
      if (typeof spec.definition !== 'string') return { status: 'failed', summary: 'the entity has no spec.definition', evidence: null };
      const gatewayApiName = entity.metadata.annotations?.[API_NAME_ANNOTATION];
      const key = createHash('sha256').update(JSON.stringify([spec.type, gatewayApiName ?? null])).update('\0').update(spec.definition).digest('base64');
      const known = verdicts.get(key);
      if (known) {
        verdicts.delete(key);
        verdicts.set(key, known);
        return known;
      }
      const v = validateDefinition({ type: spec.type, definition: spec.definition, gatewayApiName });
      const evidence = { detected: v.detected, errors: v.errors, warnings: v.warnings, findings: v.findings.slice(0, 50) };
      const verdict: GateVerdict = v.errors === 0
        ? { status: 'passed', summary: `${v.detected ?? 'definition'} valid (${v.warnings} warnings)`, evidence }
        : { status: 'failed', summary: `${v.errors} validation errors`, evidence };
      // Running out of the time budget depends on the machine's load, not only on the definition: not kept.
      if (!v.outOfTime) {
        verdicts.set(key, deepFreeze(verdict));
        if (verdicts.size > DEFINITION_CACHE_SIZE) verdicts.delete(verdicts.keys().next().value!);
      }
      return verdict;
    };
  },
};
