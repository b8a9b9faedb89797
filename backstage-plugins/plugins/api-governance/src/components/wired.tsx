/**
 * The extensions' components: the views wired to Backstage (current entity, the governance API, the
 * catalog, the signed-in user). The views themselves take their dependencies as props (and are what
 * the jsdom tests render).
 */
import { useEffect, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { apiGovernanceApiRef } from '../api/ref';
import { ApprovalsInboxView, type EntityInfo } from './ApprovalsInboxView';
import { wrapStyle } from './common';
import { GovernanceCardView } from './GovernanceCardView';
import { GovernanceTabView } from './GovernanceTabView';

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

/** What the card and the tab take from Backstage: the current entity, the governance API and the signed-in user. */
function useEntityGovernanceProps() {
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

/** The entity card (API entities). */
export function GovernanceCard() {
  return <GovernanceCardView {...useEntityGovernanceProps()} />;
}

/** The "Governance" tab of API entities: the promotion card and the history, refreshed together. */
export function GovernanceContent() {
  return <GovernanceTabView {...useEntityGovernanceProps()} />;
}

/** The approvals inbox page (`/api-governance`): catalog data from the catalog API, links to the entity pages. */
export function ApprovalsPage() {
  const api = useApi(apiGovernanceApiRef);
  const catalogApi = useApi(catalogApiRef);
  const entityLink = useEntityRefLink();
  const currentUser = useCurrentUserState();
  const loadEntities = useMemo(
    () => async (refs: string[]) => {
      const { items } = await catalogApi.getEntitiesByRefs({
        entityRefs: refs,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.system', 'spec.owner'],
      });
      const out: Record<string, EntityInfo> = {};
      items.forEach((e, i) => {
        if (!e) return;
        const spec = (e.spec ?? {}) as { system?: unknown; owner?: unknown };
        out[refs[i]!] = {
          title: e.metadata.title ?? e.metadata.name,
          system: typeof spec.system === 'string' ? spec.system : undefined,
          owner: typeof spec.owner === 'string' ? spec.owner : undefined,
        };
      });
      return out;
    },
    [catalogApi],
  );
  const renderEntityLink = (ref: string, title: string) => {
    let to: string | undefined;
    try {
      to = entityLink(ref);
    } catch {
      to = undefined;
    }
    return to ? (
      <Link to={to} style={wrapStyle}>
        {title}
      </Link>
    ) : (
      <span style={wrapStyle}>{title}</span>
    );
  };
  return (
    <Box p={3}>
      <Typography variant="body1" paragraph>
        Open promotion requests of APIs. Review a request to approve or reject it; approving despite failed or unknown gates is an
        override and needs a reason.
      </Typography>
      <ApprovalsInboxView api={api} currentUser={currentUser.user} currentUserLoading={currentUser.loading} loadEntities={loadEntities} renderEntityLink={renderEntityLink} />
    </Box>
  );
}
