import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { ExternalLink } from './ExternalLink';

afterEach(() => cleanup());

test('an http(s) URL: a link opening a new tab, without the opener', () => {
  render(<ExternalLink href="https://grafana.example/d/api?var-api=orders" testId="l">Grafana</ExternalLink>);
  const a = screen.getByTestId('l');
  assert.equal(a.tagName, 'A');
  assert.equal(a.getAttribute('href'), 'https://grafana.example/d/api?var-api=orders');
  assert.equal(a.getAttribute('target'), '_blank');
  assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(a.textContent, 'Grafana');
});

test('any other URL, a relative one or none renders nothing', () => {
  for (const href of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://files.example/x', '/relative', 'not a url', '', undefined]) {
    const { container } = render(<ExternalLink href={href} testId="l">Jaeger</ExternalLink>);
    assert.equal(container.innerHTML, '', String(href));
    cleanup();
  }
});
