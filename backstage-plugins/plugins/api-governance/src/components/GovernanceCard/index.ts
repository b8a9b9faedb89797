export { GovernanceCard } from './GovernanceCard';
