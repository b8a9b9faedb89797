import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { GATEWAYS } from '@api-observatory/telemetry-contract';

const SRC = join(__dirname, '..', 'src');
const PROFILES_DIR = join(SRC, 'profiles');
/** A gateway's name in any case (`kong`, `APISIX`, `apisix-sim-…`), from the contract's list. */
const GATEWAY_NAME = new RegExp(GATEWAYS.join('|'), 'i');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** String and template literal texts that name a gateway, as `file:line: text`. */
function gatewayLiterals(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) && GATEWAY_NAME.test(node.text)) {
      // Module specifiers name files, not gateways.
      if (!ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
        found.push(`${relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('gateway names live in the profiles', () => {
  const files = sources(SRC);
  const outside = files.filter((f) => !f.startsWith(PROFILES_DIR + sep));

  it('no string literal outside src/profiles/ names a gateway (derive it from the registry or the contract)', () => {
    assert.ok(outside.length > 10, `scanned ${outside.length} files`);
    assert.deepEqual(outside.flatMap(gatewayLiterals), []);
  });

  it('the scan finds the names where they belong (so the check above can fail)', () => {
    const inProfiles = files.filter((f) => f.startsWith(PROFILES_DIR + sep)).flatMap(gatewayLiterals);
    for (const g of GATEWAYS) assert.ok(inProfiles.some((l) => l.toLowerCase().includes(`'${g}`)), `a profile names ${g}: ${inProfiles.join('\n')}`);
  });
});
