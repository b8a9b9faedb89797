/**
 * Schemas (zod) of what the HTTP endpoint accepts: the evaluation request and the Flagger webhook
 * payload. Zod issues become the package's ValidationIssues, each message naming its field
 * (`baseline is required (a non-empty string)`), the same wording as the gate config's validator.
 */
import { z } from 'zod';
import { joinPath, typeName, ValidationError, type ValidationIssue } from './validation';

/** Longest api / version string accepted (label values are not documents). */
export const MAX_NAME_LENGTH = 256;
export const EVALUATE_REQUEST_FIELDS = ['api', 'canary', 'baseline', 'interval', 'lookback', 'entityRef'] as const;
/** Keys of a Flagger payload's `metadata` the gate reads; others are refused. */
export const FLAGGER_METADATA_FIELDS = EVALUATE_REQUEST_FIELDS;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Fields that look like an attempt to pass a query: say why they are refused. */
const QUERY_LIKE = new Set(['query', 'promql', 'expr', 'expression', 'queries']);

const objectError = (iss: { input: unknown }) => `must be an object, got ${typeName(iss.input)}`;
const stringError = (iss: { input: unknown }) => `must be a string, got ${typeName(iss.input)}`;
const nonEmpty = z.string({ error: stringError }).refine((s) => s.trim() !== '', { error: 'must be a non-empty string', abort: true });

/** An api or version name: a label value, so short, printable and valid Unicode. */
const name = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required (a non-empty string)' : stringError(iss)) })
  .refine((s) => s.trim() !== '', { error: 'must be a non-empty string', abort: true })
  .refine((s) => s.length <= MAX_NAME_LENGTH, { error: (iss) => `must be at most ${MAX_NAME_LENGTH} characters, got ${(iss.input as string).length}`, abort: true })
  .refine((s) => !CONTROL.test(s), { error: 'must not contain control characters', abort: true })
  .refine((s) => !LONE_SURROGATE.test(s), { error: 'must be valid Unicode text', abort: true });

/** The API's full entity ref (api:<namespace>/<name>), the Kafka key of the evaluation's events. */
export const ENTITY_REF = /^api:[a-z0-9][a-z0-9._-]{0,62}\/[a-z0-9][a-z0-9._-]{0,62}$/i;
const entityRef = z
  .string({ error: stringError })
  .refine((s) => ENTITY_REF.test(s), { error: (iss) => `must be an API entity ref such as api:default/orders, got ${JSON.stringify(String(iss.input).slice(0, 80))}`, abort: true });

const requestSchema = <V extends z.ZodType>(version: V) =>
  z.strictObject(
    { api: name, canary: version, baseline: version, interval: nonEmpty.optional(), lookback: nonEmpty.optional(), entityRef: entityRef.optional() },
    { error: objectError },
  );
// Built once: a zod schema is compiled on its first use, which costs more than a request.
const REQUEST_SCHEMAS = { optionalVersions: requestSchema(name.optional()), requiredVersions: requestSchema(name) };

/** The evaluation request's fields (window checks against the gate follow in service.ts). */
export function evaluateRequestSchema(o: { requireVersions: boolean }) {
  return o.requireVersions ? REQUEST_SCHEMAS.requiredVersions : REQUEST_SCHEMAS.optionalVersions;
}

/** Flagger's CanaryWebhookPayload as far as the gate reads it; other fields (phase, checksum) pass. */
export const flaggerPayloadSchema = z.looseObject(
  {
    name: nonEmpty,
    namespace: z.string({ error: stringError }).optional(),
    metadata: z.strictObject(Object.fromEntries(FLAGGER_METADATA_FIELDS.map((k) => [k, z.unknown().optional()])), { error: objectError }).optional(),
  },
  { error: objectError },
);

/**
 * Zod issues as ValidationIssues: `<field> <message>` (`subject` for the document itself); the document's
 * unknown keys first, one issue each, then those that look like PromQL refused with the reason, then the
 * fields (with a nested object's unknown keys).
 */
export function issuesOf(error: z.ZodError, subject: string, known: readonly string[]): ValidationIssue[] {
  const at = (path: PropertyKey[]) => path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), '');
  const say = (path: string, text: string) => ({ path, message: `${path === '' ? subject : path} ${text}` });
  const unknown: ValidationIssue[] = [];
  const refused: ValidationIssue[] = [];
  const fields: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = at(issue.path);
    if (issue.code === 'unrecognized_keys') {
      // The document's own unknown keys come first; a nested object's stay in field order.
      for (const key of issue.keys) {
        (path === '' ? unknown : fields).push(say(joinPath(path, key), `is not a known field (known fields: ${known.join(', ')})`));
        if (path === '' && QUERY_LIKE.has(key)) refused.push(say(key, 'is refused: queries come from the gate config (named contract queries), never from a request'));
      }
    } else {
      fields.push(say(path, issue.message));
    }
  }
  return [...unknown, ...refused, ...fields];
}

/** Parse with a schema; a ValidationError about `subject` names each bad field. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, subject: string, known: readonly string[]): { value: T; issues: [] } | { value: undefined; issues: ValidationIssue[] } {
  const r = schema.safeParse(raw);
  return r.success ? { value: r.data, issues: [] } : { value: undefined, issues: issuesOf(r.error, subject, known) };
}

export function throwIfAny(subject: string, issues: ValidationIssue[]): void {
  if (issues.length) throw new ValidationError(subject, issues);
}
