import React from 'react';
import { SceneObjectBase, VariableDependencyConfig, sceneGraph, type SceneComponentProps, type SceneObjectState } from '@grafana/scenes';
import { LinkButton } from '@grafana/ui';
import { VAR } from '../constants';
import { backstageApiLink } from '../lib/links';

export interface BackstageLinkState extends SceneObjectState {
  backstageUrl: string;
}

/** "API in Backstage": the catalog page of the selected API (base URL from the app config). */
export class BackstageLinkScene extends SceneObjectBase<BackstageLinkState> {
  static Component = BackstageLinkRenderer;
  protected _variableDependency = new VariableDependencyConfig(this, { variableNames: [VAR.api] });
}

function BackstageLinkRenderer({ model }: SceneComponentProps<BackstageLinkScene>) {
  const { backstageUrl } = model.useState();
  const api = sceneGraph.interpolate(model, `\${${VAR.api}}`);
  const href = backstageApiLink(backstageUrl, api);
  if (!backstageUrl) {
    return (
      <LinkButton variant="secondary" fill="text" icon="external-link-alt" disabled tooltip="Set the Backstage base URL on the app's configuration page">
        API in Backstage
      </LinkButton>
    );
  }
  return (
    <LinkButton variant="secondary" icon="external-link-alt" href={href ?? undefined} target="_blank" disabled={!href} tooltip={href ? undefined : 'Select one API'}>
      API in Backstage
    </LinkButton>
  );
}
