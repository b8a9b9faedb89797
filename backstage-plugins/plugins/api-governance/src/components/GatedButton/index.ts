export { GatedButton, type GatedButtonProps } from './GatedButton';
