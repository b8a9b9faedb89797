/**
 * Consumers from real tokens: each consumer application obtains a client-credentials token from the
 * identity provider (Keycloak's `partners` realm in the sandbox), and the simulated gateway puts that
 * token's verified claims on its spans as a gateway with a JWT plugin does (GATEWAY-FORMATS.md §5).
 * Gateways map a token to their consumer by its `azp` claim (Kong `jwt` `key_claim_name: azp`, APISIX
 * `jwt-auth` `key_claim_name: azp`, Kong `openid-connect` `consumer_claim: azp`), so the consumer is the
 * client id. Tenant and plan are the token's claims, trusted only from the partners realm: the collector
 * applies the same rule (collector/config.yaml), and anything else is tenant and plan `unknown`.
 */
import { PLANS, UNKNOWN_DIMENSION, type Plan } from '@api-observatory/telemetry-contract';
import type { Consumer } from './catalog';
import { decodeJwtPayload } from './credentials';

/**
 * Issuers whose tenant and plan claims count: a `partners` realm on any host (Keycloak's issuer is
 * `<base URL>/realms/<realm>`, `/auth/realms/<realm>` before Keycloak 17). The collector's default
 * (TRUSTED_TOKEN_ISSUER_PATTERN in collector/config.yaml) is this expression; collector/test checks it.
 */
export const TRUSTED_TOKEN_ISSUER_PATTERN = '^https?://[^/]+(/auth)?/realms/partners$';
const trusted = new RegExp(TRUSTED_TOKEN_ISSUER_PATTERN);

/** A consumer application's credentials, or a token obtained elsewhere (used as it is, never refreshed). */
export type ConsumerCredential = { tokenUrl: string; clientId: string; clientSecret: string } | { token: string };

export interface ConsumerToken {
  jwt: string;
  claims: Record<string, unknown>;
  /** Unix ms after which a new token is fetched (Infinity for a given token). */
  refreshAtMs: number;
}

/** Fetches a client-credentials token, or decodes a given one. */
export async function obtainToken(c: ConsumerCredential, now = Date.now()): Promise<ConsumerToken> {
  if ('token' in c) return { jwt: c.token, claims: decodeJwtPayload(c.token), refreshAtMs: Number.POSITIVE_INFINITY };
  const res = await fetch(c.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    throw new Error(`client ${c.clientId}: no token from ${c.tokenUrl} (${res.status} ${body.error ?? ''} ${body.error_description ?? ''})`.replace(/\s+\)/, ')'));
  }
  // Renew at half the lifetime, as a client library does well before expiry.
  return { jwt: body.access_token, claims: decodeJwtPayload(body.access_token), refreshAtMs: now + ((body.expires_in ?? 300) * 1000) / 2 };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Tenant and plan as the collector derives them from a token's claims. */
export function tenantAndPlan(claims: Record<string, unknown>): { tenant: string; plan: Plan | typeof UNKNOWN_DIMENSION } {
  const iss = str(claims.iss);
  if (iss === undefined || !trusted.test(iss)) return { tenant: UNKNOWN_DIMENSION, plan: UNKNOWN_DIMENSION };
  const plan = str(claims.plan);
  return {
    tenant: str(claims.tenant) ?? UNKNOWN_DIMENSION,
    plan: plan !== undefined && (PLANS as readonly string[]).includes(plan) ? (plan as Plan) : UNKNOWN_DIMENSION,
  };
}

/** The consumer a gateway sees for a token: named by its `azp`, with its claims. */
export function consumerFromToken(t: ConsumerToken, index: number): Consumer {
  const azp = str(t.claims.azp);
  const sub = str(t.claims.sub) ?? `sub-${index}`;
  const name = azp ?? sub;
  const { tenant, plan } = tenantAndPlan(t.claims);
  return {
    name,
    plan,
    sub,
    azp,
    tenant,
    email: str(t.claims.email) ?? `${name}@clients.invalid`,
    homeCountry: (str(t.claims.country) ?? 'US').toUpperCase(),
    weight: plan === 'enterprise' ? 4 : plan === 'pro' ? 2 : 1,
    token: t,
  };
}
