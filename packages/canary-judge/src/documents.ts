/**
 * Parsing YAML and JSON document text, with errors that say which document and where. Pure (no Node
 * imports): the browser entry uses it; reading files is files.ts.
 */
import { parseYaml } from '@api-observatory/safe-yaml';
import { ValidationError } from './validation';

export type DocumentFormat = 'yaml' | 'json' | 'auto';

/** "json" for *.json files, "yaml" otherwise (YAML 1.2 also reads JSON). */
export function formatOfPath(path: string): 'yaml' | 'json' {
  return /\.json$/i.test(path) ? 'json' : 'yaml';
}

/**
 * Parse text as JSON or YAML (@api-observatory/safe-yaml: YAML 1.2 core schema, unique keys, alias expansion
 * bounded; the same reader in the CLI and in the browser); syntax errors become a ValidationError about `subject`.
 */
export function parseDocument(text: string, subject: string, format: DocumentFormat = 'auto', source?: string): unknown {
  const fmt = format === 'auto' ? (/^\s*[[{]/.test(text) ? 'json' : 'yaml') : format;
  try {
    if (fmt === 'json') return JSON.parse(text);
    return parseYaml(text);
  } catch (e) {
    const what = fmt === 'json' ? 'JSON' : 'YAML';
    throw new ValidationError(subject, [{ path: '', message: `${subject} is not valid ${what}: ${(e as Error).message.split('\n')[0]}` }], source);
  }
}
