import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from '@testing-library/react';
import { Markdown } from './Markdown';
import { XSS_CORPUS, assertSafe } from '../../testUtils/xss';

afterEach(() => cleanup());

const md = (container: HTMLElement) => container.querySelector<HTMLElement>('.aav-md')!;

test('renders markdown as markup: emphasis, code, lists and links that open no opener', () => {
  const { container } = render(<Markdown source={'**bold** `code` [docs](https://docs.example/x)\n\n- one\n- two'} />);
  const root = md(container);
  assert.equal(root.className, 'aav-md');
  assert.equal(root.querySelector('strong')?.textContent, 'bold');
  assert.equal(root.querySelector('code')?.textContent, 'code');
  assert.deepEqual([...root.querySelectorAll('li')].map((li) => li.textContent), ['one', 'two']);
  const a = root.querySelector('a')!;
  assert.equal(a.getAttribute('href'), 'https://docs.example/x');
  assert.equal(a.getAttribute('rel'), 'noopener noreferrer nofollow');
});

test('inline descriptions get the inline class', () => {
  const { container } = render(<Markdown source="a *short* note" inline />);
  assert.equal(md(container).className, 'aav-md aav-md-inline');
  assert.equal(md(container).querySelector('em')?.textContent, 'short');
});

test('every payload of the XSS corpus is inert in the rendered DOM', () => {
  const g = globalThis as { __xss?: unknown };
  delete g.__xss;
  for (const payload of XSS_CORPUS) {
    const { container } = render(<Markdown source={payload} />);
    assertSafe(container, payload);
    cleanup();
  }
  assert.equal(g.__xss, undefined);
});

test('raw HTML in a description is visible text, not an element', () => {
  const { container } = render(<Markdown source={'before <img src=x onerror=alert(1)> after'} />);
  assert.equal(container.querySelector('img'), null);
  assert.match(md(container).textContent ?? '', /before <img src=x onerror=alert\(1\)> after/);
});

test('a new source renders the new text', () => {
  const { container, rerender } = render(<Markdown source="first" />);
  assert.equal(md(container).textContent?.trim(), 'first');
  rerender(<Markdown source="**second**" />);
  assert.equal(md(container).querySelector('strong')?.textContent, 'second');
});
