export { SchemaView } from './SchemaView';
