/** Backend plugin of API governance: promotion requests with approvals, gates and an audit trail. */
export { apiGovernancePlugin as default, MIGRATIONS_DIR } from './plugin';
export { permissionModuleApiGovernancePolicy } from './module';
export { ApiGovernancePolicy, decideGovernancePermission, type GovernanceUser } from './policy';
export { createRouter, type RouterOptions } from './service/router';
export { GovernanceStore } from './service/store';
export { GateEvaluator, httpCanarySource, type CanarySource, type CanaryVerdict, type SloSource, type GateSources } from './service/gates';
export { readGovernanceConfig, readPolicyConfig, DEFAULT_CONFIG, type GovernanceConfig } from './service/config';
