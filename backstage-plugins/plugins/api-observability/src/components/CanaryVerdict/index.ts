export { CanaryVerdict } from './CanaryVerdict';
