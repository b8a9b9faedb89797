import type { Consumer } from './catalog';
import { hash32 } from './prng';

/**
 * Every credential the simulator leaks into spans contains this marker, so a test can grep any store
 * (trace backend, logs, exports) for it and prove that redaction removed it. Safe inside a URL query,
 * a base64url JWT segment, a cookie and an email address.
 */
export const SIMULATED_SECRET_MARKER = 'simsecret-4f7c2a';

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function hex8(input: string): string {
  return hash32(input).toString(16).padStart(8, '0');
}

/** Claims the simulator puts into a consumer's JWT (what the gateways' enrichment reads). */
export interface SimClaims {
  iss: string;
  sub: string;
  azp?: string;
  tenant?: string;
  plan?: string;
  email?: string;
  iat?: number;
  exp?: number;
}

/** Issuer of the seeded consumers' tokens: a partners realm, as the collector trusts (partner-tokens.ts). */
export const SIMULATED_ISSUER = 'https://idp.example.test/realms/partners';

/** The claims of the consumer's token: its real token's, else the seeded ones (tenant claim = azp, else sub). */
export function claimsOf(consumer: Consumer): SimClaims {
  if (consumer.token) return consumer.token.claims as unknown as SimClaims;
  const claims: SimClaims = {
    iss: SIMULATED_ISSUER,
    sub: consumer.sub,
    tenant: consumer.tenant,
    plan: consumer.plan,
    email: leakedEmail(consumer),
    iat: 1767225600,
    exp: 1767229200,
  };
  if (consumer.azp !== undefined) claims.azp = consumer.azp;
  return claims;
}

/** A syntactically valid JWT (header.payload.signature) whose signature segment embeds the marker. */
export function jwtFor(consumer: Consumer): string {
  if (consumer.token) return consumer.token.jwt;
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'sim-1' }));
  const payload = base64url(JSON.stringify(claimsOf(consumer)));
  const signature = `${SIMULATED_SECRET_MARKER}-${hex8(`sig|${consumer.name}`)}${hex8(`sig2|${consumer.name}`)}`;
  return `${header}.${payload}.${signature}`;
}

export function apiKeyFor(consumer: Consumer): string {
  return `${SIMULATED_SECRET_MARKER}-${hex8(`key|${consumer.name}`)}`;
}

export function cookieFor(consumer: Consumer): string {
  return `session=${SIMULATED_SECRET_MARKER}.${hex8(`sess|${consumer.name}`)}; theme=dark`;
}

/** The user's email, as the IdP puts it into the token (PII; contains the marker for grepping). */
export function leakedEmail(consumer: Consumer): string {
  const [local, domain] = consumer.email.split('@');
  return `${local}.${SIMULATED_SECRET_MARKER}@${domain}`;
}

/** Decodes a JWT's payload without verifying it (what the gateways' enrichment snippets do after auth). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (part === undefined) throw new RangeError('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
