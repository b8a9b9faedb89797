export { AGE_FILTERS, ApprovalsInboxView, type EntityInfo, type ApprovalsInboxViewProps } from './ApprovalsInboxView';
