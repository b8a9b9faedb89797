/**
 * Frontend plugin `api-governance` (new frontend system): promotion requests of API entities. Add
 * `apiGovernancePlugin` (also the default export) to the app's features.
 */
export { apiGovernancePlugin, apiGovernancePlugin as default } from './plugin';
export { apiGovernanceApiRef } from './api/ref';
export {
  ApiGovernanceClient,
  GovernanceApiError,
  newIdempotencyKey,
  type ApiGovernanceApi,
  type CreateRequestInput,
  type GovernanceEvent,
  type TransitionInput,
  type WriteOptions,
} from './api/client';
