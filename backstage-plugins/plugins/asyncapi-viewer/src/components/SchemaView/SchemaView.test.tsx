import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { SchemaView } from './SchemaView';

afterEach(() => cleanup());

/** Each shown row's head text ("name*type…"), in document order. */
const heads = (container: HTMLElement) => [...container.querySelectorAll('.aav-schema-head')].map((h) => h.textContent?.replace(/[▾▸]/g, '').trim());
const row = (container: HTMLElement, name: string) =>
  [...container.querySelectorAll<HTMLElement>('.aav-schema-row')].find((r) => r.querySelector('.aav-prop-name')?.textContent === name)!;

const root = {
  components: {
    schemas: {
      Order: {
        type: 'object',
        title: 'An order',
        required: ['id'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          lines: { type: 'array', items: { $ref: '#/components/schemas/Line' } },
          status: { enum: ['open', 'shipped'], default: 'open' },
          parent: { $ref: '#/components/schemas/Order' },
          remote: { $ref: 'https://schemas.example/customer.json' },
          lost: { $ref: '#/components/schemas/Nope' },
        },
      },
      Line: { type: 'object', properties: { sku: { type: 'string', maxLength: 32, examples: ['A-1', 'A-2', 'A-3', 'A-4'] }, qty: { type: 'integer', minimum: 1 } } },
    },
  },
};

test('properties with their types, required marks, ref names and constraints', () => {
  const { container } = render(<SchemaView root={root} schema={{ $ref: '#/components/schemas/Order' }} name="payload" />);
  const payload = container.querySelector('.aav-schema-head')!;
  assert.equal(payload.querySelector('.aav-type')?.textContent, 'object');
  assert.equal(payload.querySelector('.aav-ref')?.textContent, 'Order');
  assert.equal(payload.querySelector('.aav-muted')?.textContent, 'An order');
  const id = row(container, 'id');
  assert.ok(id.querySelector('.aav-required'), 'id is required');
  assert.equal(row(container, 'status').querySelector('.aav-required'), null);
  assert.deepEqual([...id.querySelectorAll('.aav-constraint')].map((c) => c.textContent), ['format: uuid']);
  assert.equal(row(container, 'lines').querySelector('.aav-type')?.textContent, 'array<Line>');
  assert.deepEqual([...row(container, 'status').querySelectorAll('.aav-constraint')].map((c) => c.textContent), ['enum: "open", "shipped"', 'default: "open"']);
});

test('refs that cannot be expanded say why: a cycle, an external ref (not fetched), a missing target', () => {
  const { container } = render(<SchemaView root={root} schema={{ $ref: '#/components/schemas/Order' }} name="payload" />);
  const parent = row(container, 'parent');
  assert.equal(parent.querySelector('.aav-type')?.textContent, '↻ Order');
  assert.match(parent.textContent ?? '', /circular reference to #\/components\/schemas\/Order/);
  const remote = row(container, 'remote');
  assert.equal(remote.querySelector('.aav-type')?.textContent, 'external $ref');
  assert.match(remote.textContent ?? '', /https:\/\/schemas\.example\/customer\.json \(not fetched\)/);
  assert.equal(row(container, 'lost').querySelector('.aav-type')?.textContent, 'unresolved $ref');
});

test('two levels open at first; deeper levels open and close on click', async () => {
  const { container } = render(<SchemaView root={root} schema={{ $ref: '#/components/schemas/Order' }} name="payload" />);
  // depth 0 (payload) and 1 (its properties) are open, so lines' items (depth 2) show, collapsed
  assert.ok(row(container, '[items]'), 'the items row of lines');
  assert.equal(row(container, 'sku'), undefined);
  const items = row(container, '[items]').querySelector('button')!;
  assert.equal(items.getAttribute('aria-expanded'), 'false');
  await act(async () => void fireEvent.click(items));
  assert.equal(items.getAttribute('aria-expanded'), 'true');
  const sku = row(container, 'sku');
  // at most three examples are shown
  assert.deepEqual([...sku.querySelectorAll('.aav-constraint')].map((c) => c.textContent), ['maxLength: 32', 'example: "A-1"', 'example: "A-2"', 'example: "A-3"']);
  await act(async () => void fireEvent.click(items));
  assert.equal(row(container, 'sku'), undefined);
});

test('boolean schemas, combinators and a cycle built without refs (a YAML anchor)', () => {
  const anchored: Record<string, unknown> = { type: 'object', properties: {} };
  (anchored.properties as Record<string, unknown>).self = anchored;
  const { container } = render(
    <SchemaView root={{}} schema={{ type: 'object', properties: { anything: true, nothing: false, either: { oneOf: [{ type: 'string' }, { type: 'null' }] }, node: anchored } }} />,
  );
  assert.equal(row(container, 'anything').querySelector('.aav-type')?.textContent, 'any');
  assert.equal(row(container, 'nothing').querySelector('.aav-type')?.textContent, 'never');
  assert.equal(row(container, 'either').querySelector('.aav-type')?.textContent, 'oneOf');
  assert.ok(heads(container).includes('oneOf #1string') && heads(container).includes('oneOf #2null'), heads(container).join(' | '));
  assert.equal(row(container, 'self').querySelector('.aav-type')?.textContent, '↻ circular');
});

test('a description is sanitized markdown', () => {
  const { container } = render(<SchemaView root={{}} schema={{ type: 'string', description: 'the **id** <img src=x onerror=alert(1)>' }} name="id" />);
  const desc = container.querySelector('.aav-md')!;
  assert.equal(desc.querySelector('strong')?.textContent, 'id');
  assert.equal(container.querySelector('img'), null);
});
