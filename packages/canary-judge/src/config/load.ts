import { parseDocument, readDocumentFile, type DocumentFormat } from '../documents';
import type { GateConfig } from './types';
import { validateGateConfig } from './validate';

/** Parse and validate a gate config from YAML or JSON text. */
export function parseGateConfig(text: string, options: { format?: DocumentFormat; source?: string } = {}): GateConfig {
  return validateGateConfig(parseDocument(text, 'gate config', options.format ?? 'auto', options.source), options.source);
}

/** Load and validate a gate config file (*.json as JSON, anything else as YAML). */
export function loadGateConfig(path: string): GateConfig {
  return validateGateConfig(readDocumentFile(path, 'gate config'), path);
}
