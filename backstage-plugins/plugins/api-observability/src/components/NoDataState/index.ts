export { NoDataState } from './NoDataState';
