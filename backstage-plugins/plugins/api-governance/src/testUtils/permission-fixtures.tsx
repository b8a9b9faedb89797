/**
 * A fake of permissionApiRef for the views' usePermission checks (no @backstage/test-utils in the
 * lockfile): decisions by permission name (and resourceRef), every request recorded, answers that can be
 * held back to observe the loading state. `renderWithPermissions` provides it through the same versioned
 * `api-context` the app's ApiProvider uses, with a fresh SWR cache per render (usePermission caches its
 * answers in SWR's global cache otherwise, across tests).
 */
import type { ReactElement, ReactNode } from 'react';
import { render, type RenderOptions } from '@testing-library/react';
import { SWRConfig } from 'swr';
import { createVersionedContext, createVersionedValueMap } from '@backstage/version-bridge';
import { AuthorizeResult, type EvaluatePermissionRequest, type EvaluatePermissionResponse } from '@backstage/plugin-permission-common';
import { permissionApiRef, type PermissionApi } from '@backstage/plugin-permission-react';

type Holder = { get<T>(ref: { id: string }): T | undefined };
const ApiContext = createVersionedContext<{ 1: Holder }>('api-context');

/** Short names of the governance permissions (`api-governance.promotion.<name>`). */
export type Grant = 'create' | 'approve' | 'reject' | 'cancel' | 'override' | 'promote' | 'rollback';

/** The roles of the default governance policy, as the permissions each holds on the API. */
export const ROLES = {
  /** Owner of the API (orders-team): requests and cancels. */
  owner: ['create', 'cancel'],
  /** Product manager of the API's system: approves, rejects, marks promoted / rolled back. */
  productManager: ['approve', 'reject', 'promote', 'rollback'],
  /** Product lead: a product manager who may also override gates. */
  productLead: ['approve', 'reject', 'promote', 'rollback', 'override'],
  /** Anyone else. */
  stranger: [],
  all: ['create', 'approve', 'reject', 'cancel', 'override', 'promote', 'rollback'],
} satisfies Record<string, Grant[]>;

export class FakePermissionApi implements PermissionApi {
  readonly requests: EvaluatePermissionRequest[] = [];
  private held: Array<() => void> | undefined;

  /** `grants`: the permissions allowed (any resource), or a function deciding per permission and resourceRef. */
  constructor(private readonly grants: readonly Grant[] | ((grant: string, resourceRef?: string) => boolean)) {}

  async authorize(request: EvaluatePermissionRequest): Promise<EvaluatePermissionResponse> {
    this.requests.push(request);
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    const name = request.permission.name.replace(/^api-governance\.promotion\./, '');
    const resourceRef = 'resourceRef' in request ? (request.resourceRef as string | undefined) : undefined;
    const ok = typeof this.grants === 'function' ? this.grants(name, resourceRef) : (this.grants as readonly string[]).includes(name);
    return { result: ok ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }

  /** Answers nothing until release() (the loading state). */
  hold(): this {
    this.held = [];
    return this;
  }

  release(): void {
    const pending = this.held ?? [];
    this.held = undefined;
    pending.forEach((r) => r());
  }
}

export function PermissionProvider(props: { permissionApi: PermissionApi; children: ReactNode }) {
  const holder: Holder = { get: <T,>(ref: { id: string }) => (ref.id === permissionApiRef.id ? (props.permissionApi as T) : undefined) };
  return (
    <ApiContext.Provider value={createVersionedValueMap({ 1: holder })}>
      <SWRConfig value={{ provider: () => new Map(), dedupingInterval: 0 }}>{props.children}</SWRConfig>
    </ApiContext.Provider>
  );
}

/** render() inside a PermissionProvider (default: every governance permission allowed). */
export function renderWithPermissions(ui: ReactElement, permissionApi: PermissionApi = new FakePermissionApi(ROLES.all), options?: Omit<RenderOptions, 'wrapper'>) {
  return render(ui, { ...options, wrapper: ({ children }) => <PermissionProvider permissionApi={permissionApi}>{children}</PermissionProvider> });
}
