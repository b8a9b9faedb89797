export { windowText, WindowNote } from './WindowNote';
