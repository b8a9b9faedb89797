export { GovernanceContent } from './GovernanceContent';
