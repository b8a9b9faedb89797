/**
 * The Java lookup of the Java components' installers (tools/find-java.sh): it finds a runtime of the
 * minimum version or fails with an error naming what needs it, what was found and how to get one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const script = path.join(__dirname, 'tools', 'find-java.sh');
const findJava = (min: number, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync('bash', ['-c', `. "${script}" && find_java ${min} "Test component"`], { encoding: 'utf8', env });

test('finds a runtime of at least the version asked for (setup needs 21 for Keycloak)', () => {
  const r = findJava(21);
  assert.equal(r.status, 0, r.stderr);
  const home = r.stdout.trim();
  const props = spawnSync(path.join(home, 'bin', 'java'), ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
  const major = Number(/java\.specification\.version = (\d+)/.exec(props.stderr)?.[1]);
  assert.ok(major >= 21, `${home}: Java ${major}`);
});

test('no runtime new enough: an error naming the component, the version needed and what was found', () => {
  const r = findJava(999);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Test component needs a Java 999 or newer runtime/);
  assert.match(r.stderr, /found: .*\(\d+\)/);
  assert.match(r.stderr, /set JAVA_HOME/);
});
