/**
 * The router's errors: @backstage/errors classes, answered by the backend's error middleware
 * (`MiddlewareFactory.error()`, installed by the root HTTP router after every plugin's routes), which
 * takes the status from the class (or `statusCode`) and serializes the error's own properties: the
 * machine-readable `code` the frontend reads travels as the serialized error's `code`.
 *
 *   { error: { name: 'NotFoundError', message, code: 'NO_ANNOTATION' }, request: { method, url }, response: { statusCode: 404 } }
 */
import { AuthenticationError, CustomErrorBase, InputError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { ErrorCode } from '@api-observatory/backstage-plugin-api-observability-common';

/** 502: an upstream (Prometheus, the trace store) answered something unusable (no class in @backstage/errors). */
export class BadGatewayError extends CustomErrorBase {
  override name = 'BadGatewayError';
  get statusCode() {
    return 502;
  }
}

const coded = <E extends Error>(error: E, code: ErrorCode): E & { readonly code: ErrorCode } => Object.assign(error, { code });

export const badRequest = (message: string) => coded(new InputError(message), 'BAD_REQUEST');
export const unauthorized = (message: string) => coded(new AuthenticationError(message), 'UNAUTHORIZED');
export const notFound = (message: string, code: ErrorCode) => coded(new NotFoundError(message), code);
export const unavailable = (message: string, code: ErrorCode) => coded(new ServiceUnavailableError(message), code);
export const badGateway = (message: string, code: ErrorCode) => coded(new BadGatewayError(message), code);
