import type { ReactNode } from 'react';
import Button, { type ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import type { Gate } from '../../hooks/useGovernancePermissions';

export type GatedButtonProps = Omit<ButtonProps, 'disabled'> & {
  gate: Gate;
  /** Disabled for another reason than permissions (busy, nothing to do). */
  disabled?: boolean;
  /** The tooltip when disabled for that other reason (the permission's reason comes first). */
  disabledReason?: string;
  children: ReactNode;
  'data-testid'?: string;
};

/**
 * A button gated by a permission: enabled when allowed; disabled while the permission is checked and
 * when denied, with a tooltip saying why (also in `data-disabled-reason`; `data-permission` is the
 * permission status).
 */
export function GatedButton(props: GatedButtonProps) {
  const { gate, disabled, disabledReason, children, ...rest } = props;
  const off = gate.disabled || !!disabled;
  const reason = gate.disabled ? gate.reason : disabled ? disabledReason : undefined;
  const button = (
    <Button {...rest} disabled={off} data-permission={gate.status} data-disabled-reason={off ? reason : undefined}>
      {children}
    </Button>
  );
  if (!off || !reason) return button;
  // A disabled button fires no mouse events: the tooltip listens on a wrapper.
  return (
    <Tooltip title={reason}>
      <span style={{ display: 'inline-flex' }}>{button}</span>
    </Tooltip>
  );
}
