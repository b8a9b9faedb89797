import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ApiGovernancePolicy } from './policy';
import { readPolicyConfig } from './service/config';

/**
 * Permission backend module installing ApiGovernancePolicy (governance rules + ALLOW for every other
 * permission). A deployment installs it INSTEAD of the allow-all policy module (only one policy can
 * be set); deployments with their own policy call decideGovernancePermission from it instead.
 */
export const permissionModuleApiGovernancePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'api-governance-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(new ApiGovernancePolicy(readPolicyConfig(config)));
      },
    });
  },
});
