/**
 * AsyncAPI definition widget for the api-docs plugin: AsyncAPI 2.0–2.6, 3.0 and 3.1, sanitized markdown,
 * local `$ref`s only (never fetched remotely), search / tag filter, collapsed lists for large documents.
 * The new frontend system module is in `./alpha`.
 */
export { AsyncApiViewer, type AsyncApiViewerProps } from './components/AsyncApiViewer';
export { AsyncApiViewerWidget, asyncApiDefinitionWidget, withAsyncApiViewer } from './widget';
export { parseAsyncApi, filterChannels, type AsyncApiView, type ParseResult } from './model';
export { renderMarkdown } from './markdown';
