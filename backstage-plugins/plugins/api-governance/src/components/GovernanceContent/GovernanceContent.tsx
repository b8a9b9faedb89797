import { GovernanceTabView } from '../GovernanceTabView';
import { useEntityGovernanceProps } from '../../hooks/useEntityGovernanceProps';

/** The "Governance" tab of API entities: the promotion card and the history, refreshed together. */
export function GovernanceContent() {
  return <GovernanceTabView {...useEntityGovernanceProps()} />;
}
