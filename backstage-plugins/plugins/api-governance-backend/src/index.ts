/** Backend plugin of API governance: promotion requests with approvals, gates and an audit trail. */
export { apiGovernancePlugin as default, MIGRATIONS_DIR } from './plugin';
export { permissionModuleApiGovernancePolicy } from './module';
export { ApiGovernancePolicy, decideGovernancePermission, type GovernanceUser } from './policy';
export { createRouter, type RouterOptions } from './service/router';
export { GovernanceStore, RequestAlreadyOpenError } from './service/store';
export { EventOutbox, type OutboxOptions } from './service/outbox';
export { prometheusSloSource, evaluateTiers, SLO_GATE_WINDOWS, type SloEvidence, type TierEvaluation } from './service/slo';
export { GateEvaluator, httpCanarySource, type CanarySource, type CanaryVerdict, type SloSource, type SloStatus, type GateSources } from './service/gates';
export { readGovernanceConfig, readPolicyConfig, DEFAULT_CONFIG, type GovernanceConfig } from './service/config';
