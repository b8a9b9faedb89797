import path from 'node:path';
import type { CatalogEntry, DashboardDoc } from './lib/spec';
import { platformDashboard } from './dashboards/platform';
import { productDashboard } from './dashboards/product';
import { developerDashboard } from './dashboards/developer';
import { canaryDashboard } from './dashboards/canary';

/** Every dashboard of the pack, built fresh. */
export function buildDashboards(): DashboardDoc[] {
  return [platformDashboard(), productDashboard(), developerDashboard(), canaryDashboard()];
}

/** Folder (relative to the package) that holds the committed JSON. */
export const GENERATED_DIR = 'generated';

export interface GeneratedFile {
  /** Path relative to the package: generated/<folder>/<uid>.json */
  path: string;
  content: string;
  doc: DashboardDoc;
}

/** JSON model of a dashboard as committed (stable key order as built, 2-space indent, trailing newline). */
export function renderDashboard(doc: DashboardDoc): string {
  const model = doc.builder.build();
  // The SDK defaults dashboard links to the Grafana 12.4+ "inControlsMenu" placement, which folds them
  // into the controls menu; without it they show in the dashboard's top bar on every Grafana 12.x.
  for (const link of model.links ?? []) delete (link as { placement?: unknown }).placement;
  return `${JSON.stringify(model, null, 2)}\n`;
}

export function generatedFiles(): GeneratedFile[] {
  return buildDashboards().map((doc) => ({
    path: path.posix.join(GENERATED_DIR, doc.meta.folder, `${doc.meta.uid}.json`),
    content: renderDashboard(doc),
    doc,
  }));
}

/** Every query of every panel of every dashboard, with its raw equivalent. */
export function queryCatalog(): CatalogEntry[] {
  return buildDashboards().flatMap((d) => d.catalog);
}
