/** Permissions and types of the api-governance plugin (API promotion requests). */
export * from './permissions';
export * from './types';
export * from './events';
