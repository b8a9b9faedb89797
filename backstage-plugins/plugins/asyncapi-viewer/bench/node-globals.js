// Globals some Node-targeted dependencies of @asyncapi/react-component expect in the browser (bench only).
import { Buffer } from 'buffer/';
import process from 'process/browser';
export { Buffer, process };
