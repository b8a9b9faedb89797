import { parseDocument, type DocumentFormat } from '../documents';
import type { GateConfig } from './types';
import { validateGateConfig } from './validate';

/** Parse and validate a gate config from YAML or JSON text (loadGateConfig in files.ts reads a file). */
export function parseGateConfig(text: string, options: { format?: DocumentFormat; source?: string } = {}): GateConfig {
  return validateGateConfig(parseDocument(text, 'gate config', options.format ?? 'auto', options.source), options.source);
}
