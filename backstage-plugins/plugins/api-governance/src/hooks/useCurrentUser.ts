import { useEffect, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';

/** The signed-in user's entity ref (from identityApi): undefined while loading (`loading`) or when unknown. */
export function useCurrentUserState(): { user?: string; loading: boolean } {
  const identityApi = useApi(identityApiRef);
  const [state, setState] = useState<{ user?: string; loading: boolean }>({ loading: true });
  useEffect(() => {
    let cancelled = false;
    identityApi.getBackstageIdentity().then(
      (id) => !cancelled && setState({ user: id.userEntityRef, loading: false }),
      () => !cancelled && setState({ loading: false }),
    );
    return () => {
      cancelled = true;
    };
  }, [identityApi]);
  return state;
}
