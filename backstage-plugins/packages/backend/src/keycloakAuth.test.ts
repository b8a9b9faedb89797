/**
 * The Keycloak identity of an OIDC sign-in (keycloakAuth.ts) and the ownership a user's catalog entity
 * gives (catalogUserInfo.ts). The sign-in itself runs against the real Keycloak in
 * e2e-tests/keycloak.test.ts.
 *
 *   node --conditions=source --import tsx --test backstage-plugins/packages/backend/src/keycloakAuth.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keycloakIdentity } from './keycloakAuth';
import { ownershipOf } from './catalogUserInfo';

const signIn = (iss: string, sub: string, userinfoSub = sub) => [{ iss, sub, aud: 'backstage' }, userinfoSub] as const;

test('the Keycloak user id is the subject, the realm the last segment of the issuer', () => {
  assert.deepEqual(keycloakIdentity(...signIn('http://127.0.0.1:8080/realms/internal', '16db92f7')), { id: '16db92f7', realm: 'internal' });
  assert.deepEqual(keycloakIdentity(...signIn('https://sso.example.com/auth/realms/acme%20corp/', 'u1')), { id: 'u1', realm: 'acme corp' });
});

test('an issuer that is not a Keycloak realm, or a userinfo answer about someone else, is refused', () => {
  assert.throws(() => keycloakIdentity(...signIn('https://accounts.example.com', 'u1')), { name: 'NotAllowedError', message: /no \/realms\/<realm>/ });
  assert.throws(() => keycloakIdentity(...signIn('http://kc/realms/internal', 'u1', 'u2')), { name: 'NotAllowedError', message: /different users/ });
});

test('ownership: the user and the groups of their memberOf relations; a user gone from the catalog owns only themselves', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'carla.pm' },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/product-managers' },
      { type: 'ownerOf', targetRef: 'api:default/orders' },
      { type: 'memberOf', targetRef: 'group:default/grafana-editors' },
    ],
  };
  assert.deepEqual(ownershipOf('user:default/carla.pm', entity), ['user:default/carla.pm', 'group:default/product-managers', 'group:default/grafana-editors']);
  assert.deepEqual(ownershipOf('user:default/carla.pm', undefined), ['user:default/carla.pm']);
});
