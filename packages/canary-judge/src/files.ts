/**
 * Reading gate configs and samples from files (Node only: the CLI and the package entry, never the
 * browser entry). Parsing and validation are the pure modules the browser entry shares.
 */
import { readFileSync } from 'node:fs';
import { parseGateConfig } from './config/load';
import type { GateConfig } from './config/types';
import { formatOfPath, parseDocument } from './documents';
import { validateSamplesDocument, type SamplesDocument } from './samples';
import { ValidationError } from './validation';

/** Read a file as UTF-8; a missing or unreadable file becomes a ValidationError naming it. */
function readText(path: string, subject: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ValidationError(subject, [{ path: '', message: `cannot read ${subject} file ${path}: ${why}` }], path);
  }
}

/** Read and parse a YAML or JSON file (*.json as JSON, anything else as YAML). */
export function readDocumentFile(path: string, subject: string): unknown {
  return parseDocument(readText(path, subject), subject, formatOfPath(path), path);
}

/** Load and validate a gate config file (*.json as JSON, anything else as YAML). */
export function loadGateConfig(path: string): GateConfig {
  return parseGateConfig(readText(path, 'gate config'), { format: formatOfPath(path), source: path });
}

/** Load and validate a samples file (JSON, or YAML). */
export function loadSamplesDocument(path: string): SamplesDocument {
  return validateSamplesDocument(readDocumentFile(path, 'samples'), path);
}
