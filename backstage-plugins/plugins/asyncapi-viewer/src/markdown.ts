/**
 * Markdown → sanitized HTML. `marked` renders (raw HTML in the source is escaped into text), then DOMPurify
 * keeps only an allow-list of presentational tags and attributes: no scripts, no event handlers, no
 * styles, no SVG / MathML, no forms or frames, and links / images only to http(s), mailto or in-page.
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Raw HTML in the markdown is shown as text, never emitted as markup: DOMPurify then only ever sees the
 * tags marked generates itself (defence in depth, and no event-handler attribute ever reaches an HTML
 * parser, not even DOMPurify's inert one, which browsers still check against the page's CSP).
 */
const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({ renderer: { html: ({ text }) => escapeHtml(text) } });

export const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
  'kbd', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'ul',
];
export const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'align', 'start', 'colspan', 'rowspan'];
const SAFE_URI = /^(?:https?:|mailto:|#|\/(?!\/)|\.{0,2}\/?[\w-][^:]*$)/i;

let purifier: DOMPurify | undefined;

function getPurifier(): DOMPurify {
  if (purifier) return purifier;
  const p = createDOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    if (node.tagName === 'IMG') {
      node.setAttribute('loading', 'lazy');
      node.setAttribute('referrerpolicy', 'no-referrer');
    }
  });
  purifier = p;
  return p;
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 2000;

export function renderMarkdown(source: string): string {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  let html: string;
  try {
    html = marked.parse(source, { async: false }) as string;
  } catch {
    html = escapeHtml(source);
  }
  const clean = getPurifier().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: [...ALLOWED_ATTR, 'target', 'rel', 'loading', 'referrerpolicy'],
    ALLOWED_URI_REGEXP: SAFE_URI,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    FORBID_TAGS: ['style', 'script', 'svg', 'math', 'iframe', 'object', 'embed', 'form', 'input', 'textarea', 'button', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href'],
    KEEP_CONTENT: true,
    RETURN_TRUSTED_TYPE: false,
  }) as unknown as string;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, clean);
  return clean;
}
