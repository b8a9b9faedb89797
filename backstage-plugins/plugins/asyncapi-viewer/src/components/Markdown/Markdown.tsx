import { memo, useMemo } from 'react';
import { renderMarkdown } from '../../markdown';

/** Renders markdown through marked + DOMPurify (see ../markdown.ts); never raw HTML from the document. */
export const Markdown = memo(function Markdown({ source, inline }: { source: string; inline?: boolean }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className={inline ? 'aav-md aav-md-inline' : 'aav-md'} dangerouslySetInnerHTML={{ __html: html }} />;
});
