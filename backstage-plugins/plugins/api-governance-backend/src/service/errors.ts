/**
 * The router's errors: @backstage/errors classes, answered by the backend's error middleware
 * (`MiddlewareFactory.error()` of @backstage/backend-defaults, which the root HTTP router installs after
 * every plugin's routes). The middleware takes the status from the class (or `statusCode`) and
 * serializes the error's own properties, so the `code` the frontends read (SerializedError's `code`) and
 * the `details` travel in the body:
 *
 *   { error: { name: 'NotAllowedError', message, code: 'SELF_APPROVAL', details? }, request: { method, url }, response: { statusCode: 403 } }
 */
import { ConflictError, CustomErrorBase, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { ErrorCode } from '@api-observatory/backstage-plugin-api-governance-common';

/** 413: the body or a text field is larger than allowed (no class in @backstage/errors). */
export class PayloadTooLargeError extends CustomErrorBase {
  override name = 'PayloadTooLargeError';
  get statusCode() {
    return 413;
  }
}

/** 422: understood, but it cannot be applied as it is (gates not passed, an Idempotency-Key reused). */
export class UnprocessableError extends CustomErrorBase {
  override name = 'UnprocessableError';
  get statusCode() {
    return 422;
  }
}

export type Coded<E extends Error = Error> = E & { readonly code: ErrorCode; readonly details?: unknown };

/** The error with the machine-readable code (and details) the body carries. */
export function coded<E extends Error>(error: E, code: ErrorCode, details?: unknown): Coded<E> {
  return Object.assign(error, details === undefined ? { code } : { code, details });
}

export const badRequest = (message: string, code: ErrorCode = 'BAD_REQUEST', details?: unknown) => coded(new InputError(message), code, details);
export const forbidden = (message: string, code: ErrorCode = 'FORBIDDEN', details?: unknown) => coded(new NotAllowedError(message), code, details);
export const notFound = (message: string, code: ErrorCode) => coded(new NotFoundError(message), code);
export const conflict = (message: string, code: ErrorCode, details?: unknown) => coded(new ConflictError(message), code, details);
export const unprocessable = (message: string, code: ErrorCode, details?: unknown) => coded(new UnprocessableError(message), code, details);
export const tooLarge = (message: string) => coded(new PayloadTooLargeError(message), 'PAYLOAD_TOO_LARGE');
export const unavailable = (message: string, code: ErrorCode) => coded(new ServiceUnavailableError(message), code);

/** Statuses of the codes a policy violation answers with. */
export const ERROR_OF_STATUS: Record<number, (message: string, code: ErrorCode, details?: unknown) => Coded> = {
  400: badRequest,
  403: forbidden,
  422: unprocessable,
};
