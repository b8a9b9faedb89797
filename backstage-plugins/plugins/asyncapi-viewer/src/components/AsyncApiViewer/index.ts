export { default } from './AsyncApiViewer';
export { PAGE_SIZE, AsyncApiViewer, type AsyncApiViewerProps } from './AsyncApiViewer';
