import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { renderMarkdown } from './markdown';
import { AsyncApiViewer } from './components/AsyncApiViewer';
import { XSS_CORPUS, assertSafe } from './testUtils/xss';

afterEach(() => cleanup());

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
