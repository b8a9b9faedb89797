import { lazy, Suspense } from 'react';
import type { ApiDefinitionWidget } from '@backstage/plugin-api-docs';

// Code-split: the viewer (with yaml, marked, DOMPurify) loads only when an AsyncAPI definition is shown.
const LazyViewer = lazy(() => import('./components/AsyncApiViewer'));

export function AsyncApiViewerWidget({ definition }: { definition: string }) {
  return (
    <Suspense fallback={<div role="progressbar" aria-label="Loading AsyncAPI viewer" />}>
      <LazyViewer definition={definition} />
    </Suspense>
  );
}

/** The api-docs definition widget for `spec.type: asyncapi`. */
export const asyncApiDefinitionWidget: ApiDefinitionWidget = {
  type: 'asyncapi',
  title: 'AsyncAPI',
  rawLanguage: 'yaml',
  component: (definition: string) => <AsyncApiViewerWidget definition={definition} />,
};

/** Replaces (or adds) the `asyncapi` entry of an api-docs widget list. */
export function withAsyncApiViewer(widgets: ApiDefinitionWidget[]): ApiDefinitionWidget[] {
  const out = widgets.map((w) => (w.type === 'asyncapi' ? asyncApiDefinitionWidget : w));
  return out.some((w) => w === asyncApiDefinitionWidget) ? out : [...out, asyncApiDefinitionWidget];
}
