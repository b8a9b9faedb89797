import useAsync from 'react-use/esm/useAsync';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';

/** The signed-in user's entity ref (from identityApi): undefined while loading (`loading`) or when unknown. */
export function useCurrentUserState(): { user?: string; loading: boolean } {
  const identityApi = useApi(identityApiRef);
  const { value, loading } = useAsync(() => identityApi.getBackstageIdentity(), [identityApi]);
  return { user: value?.userEntityRef, loading };
}
