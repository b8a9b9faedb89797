export { RequestsTable, type TraceLink } from './RequestsTable';
