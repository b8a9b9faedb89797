import { GovernanceCardView } from '../GovernanceCardView';
import { useEntityGovernanceProps } from '../../hooks/useEntityGovernanceProps';

/** The entity card (API entities). */
export function GovernanceCard() {
  return <GovernanceCardView {...useEntityGovernanceProps()} />;
}
