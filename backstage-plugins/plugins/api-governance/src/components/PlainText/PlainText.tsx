import Typography from '@material-ui/core/Typography';

/** Style of user text (comments, reasons, titles): kept as typed, long words wrapped. */
export const wrapStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', wordBreak: 'break-word' } as const;

/**
 * User-provided text, rendered as a React text node (never as HTML) and wrapped. Everything a user or
 * the backend wrote goes through here or through another text node.
 */
export function PlainText(props: { children: string | null | undefined; variant?: 'body1' | 'body2' | 'caption'; color?: 'textSecondary' | 'textPrimary'; testId?: string }) {
  if (!props.children) return null;
  return (
    <Typography component="div" variant={props.variant ?? 'body2'} color={props.color} style={wrapStyle} data-testid={props.testId}>
      {String(props.children)}
    </Typography>
  );
}
