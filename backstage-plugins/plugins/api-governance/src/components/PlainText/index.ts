export { wrapStyle, PlainText } from './PlainText';
