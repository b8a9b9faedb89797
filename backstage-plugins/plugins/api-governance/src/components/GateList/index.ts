export { requirementNote, GateList } from './GateList';
