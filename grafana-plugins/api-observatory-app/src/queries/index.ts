import type { PageId } from '../constants';
import { canaryPanels } from './canary';
import { developerPanels } from './developer';
import { overviewPanels } from './overview';
import { platformPanels } from './platform';
import { productPanels } from './product';
import type { PanelSpec } from './spec';

export * from './spec';

/** Every panel of every page, by page id: what the scenes render, the recorder records and the tests check. */
export function pagePanels(): Record<PageId, PanelSpec[]> {
  return {
    overview: overviewPanels(),
    platform: platformPanels(),
    product: productPanels(),
    developer: developerPanels(),
    canary: canaryPanels(),
  };
}
