/**
 * What a browser and an OAuth client do against Keycloak, for the tests: the authorization code flow
 * with PKCE through Keycloak's own login pages (including the password change a temporary password
 * asks for), client credentials, and JWT signature checks against the realm's published keys.
 */
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';

export interface Jwt {
  header: { alg: string; kid?: string };
  claims: Record<string, unknown>;
}

export function decodeJwt(token: string): Jwt {
  const [h, p] = token.split('.');
  if (!h || !p) throw new Error('not a JWT');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')), claims: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) };
}

/** Verifies an RS256 JWT against the realm's JWKS; returns its claims or throws. */
export async function verifiedClaims(token: string, issuer: string): Promise<Record<string, unknown>> {
  const { header, claims } = decodeJwt(token);
  if (header.alg !== 'RS256') throw new Error(`unexpected alg ${header.alg}`);
  const conf = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const { keys } = (await (await fetch(conf.jwks_uri)).json()) as { keys: Array<JsonWebKey & { kid: string; use?: string }> };
  const jwk = keys.find((k) => k.kid === header.kid && k.use !== 'enc');
  if (!jwk) throw new Error(`no signing key ${header.kid} at ${conf.jwks_uri}`);
  const [h, p, s] = token.split('.');
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s!, 'base64url'))) {
    throw new Error('signature does not verify');
  }
  if (claims.iss !== issuer) throw new Error(`issuer ${String(claims.iss)}, expected ${issuer}`);
  return claims;
}

export async function tokenRequest(tokenUrl: string, form: Record<string, string>): Promise<Record<string, string>> {
  const res = await fetch(tokenUrl, { method: 'POST', body: new URLSearchParams(form) });
  const body = (await res.json()) as Record<string, string>;
  if (!res.ok) throw new Error(`token endpoint ${res.status}: ${body.error ?? ''} ${body.error_description ?? ''}`.trim());
  return body;
}

/** A tiny cookie jar (Keycloak's login pages keep their state in cookies). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const decodeEntities = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/gi, '=').replace(/&quot;/g, '"');

/** The action URL of the page's form whose action contains `marker`. */
function formAction(html: string, marker: string): string | undefined {
  for (const m of html.matchAll(/<form\b[^>]*\baction="([^"]+)"/g)) {
    const action = decodeEntities(m[1]!);
    if (action.includes(marker)) return action;
  }
  return undefined;
}

export interface CodeFlowClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
}

export interface CodeFlowResult {
  tokens: Record<string, string>;
  /** The URL Keycloak sent the browser back to (redirect URI + code and state). */
  callback: URL;
}

/**
 * Signs a user in as a browser would: the authorization request with PKCE (S256), the login form, the
 * password change when the password is temporary, then the code exchange as the client.
 */
export async function signInWithCode(issuer: string, c: CodeFlowClient, user: { username: string; password: string; newPassword: string }): Promise<CodeFlowResult> {
  const jar = new Jar();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const auth = new URL(`${issuer}/protocol/openid-connect/auth`);
  auth.search = new URLSearchParams({
    client_id: c.clientId, redirect_uri: c.redirectUri, response_type: 'code', scope: c.scope, state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  let res = await fetch(auth, { redirect: 'manual' });
  jar.take(res);
  let html = await res.text();
  if (res.status !== 200) throw new Error(`authorization request: ${res.status} ${html.slice(0, 300)}`);
  const login = formAction(html, 'login-actions/authenticate');
  if (!login) throw new Error(`no login form in the authorization response: ${html.slice(0, 300)}`);

  const post = async (action: string, form: Record<string, string>) => {
    const r = await fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header() }, body: new URLSearchParams(form) });
    jar.take(r);
    return r;
  };
  res = await post(login, { username: user.username, password: user.password, credentialId: '' });
  for (let step = 0; res.status === 200 && step < 3; step++) {
    html = await res.text();
    const update = formAction(html, 'login-actions/required-action');
    if (!update) throw new Error(`sign-in of ${user.username} did not redirect: ${html.replace(/\s+/g, ' ').slice(0, 400)}`);
    res = await post(update, { 'password-new': user.newPassword, 'password-confirm': user.newPassword });
  }
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`sign-in of ${user.username}: expected a redirect, got ${res.status}`);
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state changed on the way back');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect ${location}: ${callback.searchParams.get('error') ?? ''}`);
  const tokens = await tokenRequest(`${issuer}/protocol/openid-connect/token`, {
    grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, client_id: c.clientId, client_secret: c.clientSecret, code_verifier: verifier,
  });
  return { tokens, callback };
}

/** The authorization endpoint's answer to a request with this redirect URI (status and body). */
export async function authorizationAnswer(issuer: string, clientId: string, redirectUri: string): Promise<{ status: number; body: string }> {
  const auth = new URL(`${issuer}/protocol/openid-connect/auth`);
  auth.search = new URLSearchParams({
    client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid',
    code_challenge: createHash('sha256').update('x').digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  const res = await fetch(auth, { redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}
