import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles } from '../../src/generate';
import type { TemplateVariable } from './interpolate';

/** Panel target as it appears in the committed JSON. */
export interface JsonTarget {
  refId: string;
  expr?: string;
  query?: string;
  instant?: boolean;
  exemplar?: boolean;
  datasource?: { type?: string; uid?: string };
}
export interface JsonPanel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: JsonTarget[];
  fieldConfig?: { defaults?: { unit?: string } };
}
export interface JsonDashboard {
  uid: string;
  title: string;
  panels: JsonPanel[];
  templating: { list: TemplateVariable[] };
  links: Array<{ type: string; includeVars?: boolean; keepTime?: boolean; tags?: string[]; url?: string }>;
}

export const packageDir = path.resolve(__dirname, '..', '..');

/** The committed dashboards (what ships), read from dashboards/generated. */
export function committedDashboards(): Array<{ path: string; json: JsonDashboard }> {
  return generatedFiles().map((f) => ({ path: f.path, json: JSON.parse(readFileSync(path.join(packageDir, f.path), 'utf8')) as JsonDashboard }));
}

/** Panels with queries (rows excluded). */
export function queryPanels(d: JsonDashboard): JsonPanel[] {
  return d.panels.filter((p) => p.type !== 'row' && (p.targets?.length ?? 0) > 0);
}
