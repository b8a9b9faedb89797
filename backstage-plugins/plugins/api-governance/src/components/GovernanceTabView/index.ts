export { GovernanceTabView, type GovernanceTabViewProps } from './GovernanceTabView';
