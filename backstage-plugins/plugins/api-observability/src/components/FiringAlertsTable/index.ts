export { FiringAlertsTable } from './FiringAlertsTable';
