/** Reading YAML and JSON documents, with errors that say which file and where. */
import { readFileSync } from 'node:fs';
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

/** Read a file as UTF-8; a missing or unreadable file becomes a ValidationError naming it. */
export function readDocumentFile(path: string, subject: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ValidationError(subject, [{ path: '', message: `cannot read ${subject} file ${path}: ${why}` }], path);
  }
  return parseDocument(text, subject, formatOfPath(path), path);
}
