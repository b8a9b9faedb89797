export { HistoryTimelineView, loadHistory, HistoryTimeline, type TimelineEntry } from './HistoryTimelineView';
