export { TraceWaterfall, TracePageView, type RenderLink, type TraceLoadState } from './TraceView';
