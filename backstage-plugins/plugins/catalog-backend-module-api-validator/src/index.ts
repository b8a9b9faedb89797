/**
 * Catalog backend module that validates and lints API entities' definitions (OpenAPI 3.x,
 * Swagger 2.0, AsyncAPI 2.x / 3.x). See README.md for the ruleset and configuration.
 */
export { catalogModuleApiValidator as default } from './module';
export { ApiDefinitionValidatorProcessor, readValidatorConfig, type ApiValidatorConfig } from './processor';
export { validateDefinition, isValidatedType, type ValidateInput } from './validate';
export { RULES, type RuleDef } from './rules';
export * from './types';
