import Link from '@material-ui/core/Link';
import { safeHref } from '../../format';

/** A link out of Backstage (new tab), rendered only for http(s) URLs. */
export function ExternalLink(props: { href: string | undefined; children: string; testId?: string }) {
  const href = safeHref(props.href);
  if (!href) return null;
  return (
    <Link href={href} target="_blank" rel="noopener noreferrer" data-testid={props.testId}>
      {props.children}
    </Link>
  );
}
