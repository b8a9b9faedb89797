/**
 * js-yaml 4's loader: `load`, `Type`, the failsafe schema, the null / bool / float types and `YAMLException`,
 * taken from js-yaml's own `lib/` modules (the same code its package entry re-exports), so that no bundle
 * carries its dumper (YAML writer) or its prebuilt single-file builds: 0.05 MB less dist in the Grafana
 * app (code and source map) than through `import 'js-yaml'`, with no bundler configuration.
 *
 * js-yaml's `exports` map only exposes its entry, so `js-yaml/lib/...` cannot be required by name from
 * wherever npm installs it: the loader's files ship with this package in `vendor/js-yaml/` (MIT, with
 * js-yaml's LICENSE), unchanged from js-yaml 4.3.2 (test/install.test.ts compares them with the npm
 * package). `../vendor` is the same path from `src/` and from `dist/`.
 *
 * Typed here: js-yaml 4 ships no types (the type checker would otherwise pick up js-yaml 5's).
 */

export interface JsYamlMark {
  /** 0-based. */
  line?: number;
  /** 0-based. */
  column?: number;
}
export interface JsYamlType {
  readonly tag: string;
}
export interface JsYamlSchema {
  extend(types: { implicit?: JsYamlType[]; explicit?: JsYamlType[] }): JsYamlSchema;
}
export interface JsYamlTypeOptions {
  kind: 'scalar' | 'sequence' | 'mapping';
  resolve?: (data: string | null) => boolean;
  construct?: (data: string) => unknown;
  predicate?: (value: unknown) => boolean;
  represent?: (value: object) => string;
}

export const { load } = require('../vendor/js-yaml/lib/loader.js') as {
  load(text: string, options?: { schema?: JsYamlSchema; filename?: string; json?: boolean }): unknown;
};
export const Type = require('../vendor/js-yaml/lib/type.js') as new (tag: string, options: JsYamlTypeOptions) => JsYamlType;
export const FAILSAFE_SCHEMA = require('../vendor/js-yaml/lib/schema/failsafe.js') as JsYamlSchema;
export const YAMLException = require('../vendor/js-yaml/lib/exception.js') as new (...args: never[]) => Error & { reason: string; mark?: JsYamlMark };
export const types = {
  null: require('../vendor/js-yaml/lib/type/null.js') as JsYamlType,
  bool: require('../vendor/js-yaml/lib/type/bool.js') as JsYamlType,
  float: require('../vendor/js-yaml/lib/type/float.js') as JsYamlType,
};
