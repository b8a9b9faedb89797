import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { apiGovernanceApiRef } from '../api/ref';
import { useCurrentUserState } from './useCurrentUser';

/** What the card and the tab take from Backstage: the current entity, the governance API and the signed-in user. */
export function useEntityGovernanceProps() {
  const { entity } = useEntity();
  const api = useApi(apiGovernanceApiRef);
  const currentUser = useCurrentUserState();
  return {
    api,
    entityRef: stringifyEntityRef(entity),
    entityTitle: entity.metadata.title ?? entity.metadata.name,
    currentUser: currentUser.user,
    currentUserLoading: currentUser.loading,
  };
}
