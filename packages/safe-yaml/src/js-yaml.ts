/**
 * js-yaml 4's loader: `load`, `Type`, the failsafe schema, the null / bool / float types and `YAMLException`,
 * taken from js-yaml's own `lib/` modules (the same code its package entry re-exports), so that no bundle
 * carries its dumper (YAML writer) or its prebuilt single-file builds: 0.05 MB less dist in the Grafana
 * app (code and source map) than through `import 'js-yaml'`, with no bundler configuration.
 *
 * js-yaml's `exports` map only exposes its entry, so `js-yaml/lib/...` cannot be imported by name: the
 * files are required by path from this package's own node_modules, where npm installs js-yaml 4.3.2 (the
 * repository root holds js-yaml 5, a dependency of Backstage). test/install.test.ts checks that this is
 * the js-yaml this package resolves.
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

export const { load } = require('../node_modules/js-yaml/lib/loader.js') as {
  load(text: string, options?: { schema?: JsYamlSchema; filename?: string; json?: boolean }): unknown;
};
export const Type = require('../node_modules/js-yaml/lib/type.js') as new (tag: string, options: JsYamlTypeOptions) => JsYamlType;
export const FAILSAFE_SCHEMA = require('../node_modules/js-yaml/lib/schema/failsafe.js') as JsYamlSchema;
export const YAMLException = require('../node_modules/js-yaml/lib/exception.js') as new (...args: never[]) => Error & { reason: string; mark?: JsYamlMark };
export const types = {
  null: require('../node_modules/js-yaml/lib/type/null.js') as JsYamlType,
  bool: require('../node_modules/js-yaml/lib/type/bool.js') as JsYamlType,
  float: require('../node_modules/js-yaml/lib/type/float.js') as JsYamlType,
};
