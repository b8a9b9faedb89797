import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { apiGovernanceApiRef } from '../../api/ref';
import { ApprovalsInboxView, type EntityInfo } from '../ApprovalsInboxView';
import { wrapStyle } from '../PlainText';
import { useCurrentUserState } from '../../hooks/useCurrentUser';

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
