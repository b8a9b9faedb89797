export { DecisionSummary } from './DecisionSummary';
