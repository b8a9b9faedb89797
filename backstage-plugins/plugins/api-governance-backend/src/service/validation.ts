/**
 * Schemas of the router's bodies and queries (zod). A failure is a 400 BAD_REQUEST whose message names
 * the field; a comment or reason over `maxCommentLength` is a 413 PAYLOAD_TOO_LARGE.
 */
import { z } from 'zod';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';
import { badRequest, tooLarge } from './errors';

export const STATES = ['requested', 'approved', 'rejected', 'cancelled', 'promoted', 'rolled_back'] as const satisfies readonly PromotionState[];

/** An entity reference, normalized (`orders` → `api:default/orders`). */
export const entityRefSchema = z
  .string({ error: 'must be an entity reference string, e.g. api:default/orders' })
  .max(512, { error: 'must be an entity reference string, e.g. api:default/orders' })
  .transform((raw, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(raw, { defaultKind: 'api', defaultNamespace: 'default' }));
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `is not a valid entity reference: ${(e as Error).message}`, input: raw });
      return z.NEVER;
    }
  });

/** Free text of at most `max` characters; blank is no text (null). Longer is a 413, not a 400. */
const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .nullish()
    .refine((v) => v === null || v === undefined || v.length <= max, { params: { max }, error: 'too long' })
    .transform((v) => (v === null || v === undefined || v.trim() === '' ? null : v));

const positiveInt = z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' });

export function bodySchemas(maxCommentLength: number) {
  return {
    create: z.object({
      entityRef: entityRefSchema,
      toEnvironment: z.string({ error: 'must be a string' }),
      fromEnvironment: z.string({ error: 'must be a string' }).optional(),
      comment: text(maxCommentLength),
    }),
    transition: z.object({
      version: positiveInt.optional(),
      reason: text(maxCommentLength),
      override: z.object({ reason: text(maxCommentLength) }, { error: 'must be an object { reason }' }).nullish(),
    }),
    deprecate: z.object({
      entityRef: entityRefSchema,
      reason: text(maxCommentLength),
      sunsetDate: z
        .string({ error: 'must be a date YYYY-MM-DD' })
        .refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d, {
          error: 'must be a date YYYY-MM-DD',
        })
        .nullish()
        .transform((d) => d ?? null),
    }),
  };
}

const oneString = z.string({ error: 'must be one string' });
const intIn = (min: number, max: number) =>
  z
    .string({ error: `must be an integer from ${min} to ${max}` })
    .regex(/^\d+$/, { error: `must be an integer from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, { error: `must be an integer from ${min} to ${max}` });

export const querySchemas = {
  requests: z.object({ entityRef: oneString.optional(), state: z.enum(STATES, { error: `must be one of ${STATES.join(', ')}` }).optional() }),
  deprecations: z.object({ entityRef: entityRefSchema.optional() }),
  events: z.object({ entityRef: entityRefSchema.optional(), after: intIn(0, Number.MAX_SAFE_INTEGER).optional(), limit: intIn(1, 500).optional() }),
};

/** The parsed value, or the first problem as a 400 naming the field (a text over its limit: 413). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'the body'): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  if (issue.code === 'custom' && typeof issue.params?.max === 'number') {
    throw tooLarge(`${field} is ${String(issue.input ?? '').length} characters; the maximum is ${issue.params.max}`);
  }
  if (!field) throw badRequest(`${what} must be a JSON object`);
  throw badRequest(`${field} ${issue.message}`);
}
