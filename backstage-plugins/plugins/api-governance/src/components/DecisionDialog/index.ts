export { DecisionDialog, type DialogMode, type DecisionDialogProps } from './DecisionDialog';
