export { GatewaysTable } from './GatewaysTable';
