import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { renderMarkdown } from './markdown';
import { AsyncApiViewer } from './components/AsyncApiViewer';

afterEach(() => cleanup());

/** Classic XSS payloads (raw HTML, markdown links / images, SVG, MathML, entity tricks, mXSS). */
export const XSS_CORPUS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss=1">',
  '<img src="x" onerror=alert(1)//',
  '[click](javascript:window.__xss=1)',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '![img](javascript:alert(1))',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<svg onload=alert(1)><circle r=10 /></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<body onload=alert(1)>',
  '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
  '<details open ontoggle=alert(1)>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<input autofocus onfocus=alert(1)>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<style>@import "javascript:alert(1)";</style>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<a href="#" onmouseover="alert(1)">hover</a>',
  '<video><source onerror="alert(1)"></video>',
  '<p>ok</p><template><img src=x onerror=alert(1)></template>',
  '"><img src=x onerror=alert(1)>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
];

const ALLOWED_URL = /^(https?:|mailto:|#|\/|[\w.-])/i;

function assertSafe(container: ParentNode, label: string) {
  for (const el of container.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    assert.ok(!['script', 'iframe', 'object', 'embed', 'svg', 'math', 'style', 'form', 'input', 'meta', 'base', 'link', 'template', 'video', 'source'].includes(tag) || (tag === 'style' && el.closest('.aav-root') && !el.closest('.aav-md')) || (tag === 'input' && el.getAttribute('type') === 'search'), `${label}: <${tag}> survived`);
    for (const attr of el.getAttributeNames()) {
      assert.ok(!/^on/i.test(attr), `${label}: event handler ${attr} survived on <${tag}>`);
      assert.ok(attr !== 'srcdoc' && attr !== 'formaction' && attr !== 'xlink:href', `${label}: ${attr} survived`);
      if (['href', 'src', 'action', 'data'].includes(attr)) {
        const value = (el.getAttribute(attr) ?? '').replace(/[\u0000-\u0020]/g, '');
        assert.ok(!/^(javascript|vbscript|data:text)/i.test(value) && (ALLOWED_URL.test(value) || /^data:image\//i.test(value)), `${label}: ${attr}="${value}" survived`);
      }
    }
  }
}

describe('markdown sanitization', () => {
  test('every payload of the corpus renders without scripts, handlers or script URLs', () => {
    for (const payload of XSS_CORPUS) {
      const html = renderMarkdown(payload);
      const host = document.createElement('div');
      host.innerHTML = html;
      assertSafe(host, payload);
      assert.ok(!/<(script|svg|iframe|math|object|embed)/i.test(html), `${payload} → ${html}`);
    }
  });

  test('legitimate markdown survives', () => {
    const html = renderMarkdown('**bold** `code` [docs](https://docs.example/x) and a list:\n\n- one\n- two');
    assert.match(html, /<strong>bold<\/strong>/);
    assert.match(html, /<code>code<\/code>/);
    assert.match(html, /href="https:\/\/docs\.example\/x"/);
    assert.match(html, /rel="noopener noreferrer nofollow"/);
    assert.match(html, /<li>two<\/li>/);
  });

  test('in the widget: payloads in info, channel, operation, message and schema descriptions are inert', async () => {
    const g = globalThis as { __xss?: unknown };
    delete g.__xss;
    const desc = (i: number) => JSON.stringify(XSS_CORPUS.slice(i, i + 9).join('\n\n'));
    const doc = `
asyncapi: 3.0.0
info:
  title: Hostile
  version: "1"
  description: ${desc(0)}
channels:
  evil:
    address: evil
    description: ${desc(9)}
    messages:
      m:
        name: EvilMessage
        description: ${desc(18)}
        payload:
          type: object
          properties:
            field:
              type: string
              description: ${desc(27)}
operations:
  evilOp:
    action: send
    channel: { $ref: '#/channels/evil' }
    description: ${desc(0)}
`;
    const { container } = render(<AsyncApiViewer definition={doc} />);
    const row = container.querySelector('[data-channel="evil"]')!;
    await act(async () => void fireEvent.click(row.querySelector('button')!));
    await act(async () => void fireEvent.click(row.querySelector('[data-message="EvilMessage"] button')!));
    assert.ok(container.querySelectorAll('.aav-md').length >= 5, 'descriptions rendered');
    assertSafe(container, 'widget');
    assert.equal(g.__xss, undefined);
  });
});

describe('raw HTML in markdown', () => {
  test('is shown as text, never emitted as markup', () => {
    const html = renderMarkdown('before <img src=x onerror=alert(1)> after\n\n<div onclick="x()">block</div>');
    assert.doesNotMatch(html, /<img|<div/);
    assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;|&lt;img/);
  });
});
