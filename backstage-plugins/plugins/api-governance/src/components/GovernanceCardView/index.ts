export { GovernanceCardView, type GovernanceCardViewProps } from './GovernanceCardView';
