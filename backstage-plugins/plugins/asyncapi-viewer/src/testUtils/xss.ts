import assert from 'node:assert/strict';

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

/** Link targets markdown may keep: http(s), mailto, fragments and relative paths. */
const ALLOWED_URL = /^(https?:|mailto:|#|\/|[\w.-])/i;

/** Fails when anything under `container` could run script: a dangerous element, an event handler or a script URL. */
export function assertSafe(container: ParentNode, label: string) {
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
