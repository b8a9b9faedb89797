import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { AsyncApiViewer, PAGE_SIZE } from './AsyncApiViewer';
import { ASYNCAPI_31, catalogDefinition, generated3 } from '../../testUtils/fixtures';

afterEach(() => cleanup());

const channelRow = (container: HTMLElement, key: string) => container.querySelector<HTMLElement>(`[data-channel="${key}"]`)!;
const click = (el: Element) => act(() => void fireEvent.click(el));

describe('rendering', () => {
  test('3.0: channels collapsed by default, expand shows operations, messages, payload and Kafka bindings', () => {
    const { container } = render(<AsyncApiViewer definition={catalogDefinition('notification-events.yaml')} />);
    screen.getByText('Notification Events');
    screen.getByText('AsyncAPI 3.0.0');
    const row = channelRow(container, 'notificationDelivery');
    const head = row.querySelector('button')!;
    assert.equal(head.getAttribute('aria-expanded'), 'false');
    assert.equal(row.querySelector('[data-message]'), null, 'collapsed: no message rendered');
    assert.ok(within(row).getByText('SEND') && within(row).getByText('RECEIVE'));
    click(head);
    const r = within(row);
    r.getByText('publishDelivery');
    r.getByText('consumeDelivery');
    r.getByText('One event per delivery state change, keyed by notification id.');
    assert.ok(row.querySelector('[data-binding="kafka"]'), 'channel Kafka binding');
    r.getByText('partitions');
    r.getByText('12');
    const msg = row.querySelector<HTMLElement>('[data-message="NotificationFailed"]')!;
    click(msg.querySelector('button')!);
    const m = within(msg);
    m.getByText('reason'); // allOf member property
    m.getByText('notificationId'); // allOf $ref'd base property
    m.getByText('allOf #1');
    assert.ok(m.getAllByText('key').length > 0, 'message Kafka binding key');
    m.getAllByText(/format: uuid/);
  });

  test('2.6: publish/subscribe shown as SEND/RECEIVE with the 2.x keyword, message payload', () => {
    const { container } = render(<AsyncApiViewer definition={catalogDefinition('inventory-events.yaml')} />);
    const row = channelRow(container, 'inventory.stock-changed.v1');
    click(row.querySelector('button')!);
    within(row).getByText('onStockChanged');
    within(row).getByText('(subscribe)');
    const msg = row.querySelector<HTMLElement>('[data-message="StockChanged"]')!;
    click(msg.querySelector('button')!);
    assert.ok(msg.querySelectorAll('.aav-prop-name').length > 0, 'payload properties rendered');
  });

  test('3.1: headers, examples, tags, cycles and remote refs', () => {
    const { container } = render(<AsyncApiViewer definition={ASYNCAPI_31} />);
    const row = channelRow(container, 'orderCreated');
    click(row.querySelector('button')!);
    within(row).getByText('#checkout');
    within(row).getByText('#billing');
    const msg = row.querySelector<HTMLElement>('[data-message="OrderCreated"]')!;
    click(msg.querySelector('button')!);
    const m = within(msg);
    m.getByText('traceparent');
    m.getByText(/"total": 12.5/);
    m.getByText('↻ Order'); // parent → Order is a cycle
    m.getByText(/https:\/\/evil\.example\/schema\.json \(not fetched\)/);
    // Customer.orders[items] → Order: one level deeper, expand on click, then the cycle marker shows
    const customer = m.getByText('customer').closest('button')!;
    assert.equal(customer.getAttribute('aria-expanded'), 'true', 'depth 1 starts open');
    const orders = m.getByText('orders').closest('button')!;
    assert.equal(orders.getAttribute('aria-expanded'), 'false', 'depth ≥ 2 starts collapsed');
    assert.equal(m.getAllByText('↻ Order').length, 1);
    click(orders);
    assert.ok(m.getAllByText('↻ Order').length >= 2);
    // parameters of the other channel
    const audit = channelRow(container, 'orderAudit');
    click(audit.querySelector('button')!);
    within(audit).getByText('{region}');
  });

  test('search and tag filter', async () => {
    const { container } = render(<AsyncApiViewer definition={generated3(60)} />);
    const count = screen.getByTestId('asyncapi-count');
    assert.equal(count.textContent, '60 channels');
    const input = screen.getByRole('searchbox');
    await act(async () => void fireEvent.change(input, { target: { value: 'message42' } }));
    assert.equal(count.textContent, '1 of 60 channels');
    assert.ok(channelRow(container, 'ch42'));
    await act(async () => void fireEvent.change(input, { target: { value: '' } }));
    await act(async () => void fireEvent.change(screen.getByLabelText('Tag'), { target: { value: 'tenth' } }));
    assert.equal(count.textContent, '6 of 60 channels');
    await act(async () => void fireEvent.change(screen.getByLabelText('Search in'), { target: { value: 'message' } }));
    await act(async () => void fireEvent.change(input, { target: { value: 'op1' } }));
    assert.equal(count.textContent, '0 of 60 channels');
    screen.getByText('No channel matches.');
  });

  test('500 channels: rendered collapsed, one page at a time, small DOM', () => {
    const { container } = render(<AsyncApiViewer definition={generated3(500)} />);
    assert.equal(container.querySelectorAll('[data-channel]').length, PAGE_SIZE);
    const nodes = container.querySelectorAll('*').length;
    assert.ok(nodes < 3000, `${nodes} DOM nodes`);
    click(screen.getByText('Show all 500'));
    assert.equal(container.querySelectorAll('[data-channel]').length, 500);
  });

  test('malformed documents show an error panel', () => {
    render(<AsyncApiViewer definition={'asyncapi: 3.0.0\nchannels: [\n'} />);
    const alert = screen.getByRole('alert');
    assert.match(alert.textContent ?? '', /cannot be displayed/);
    assert.match(alert.textContent ?? '', /line \d+/);
  });

  test('an alias bomb shows an error panel instead of hanging', () => {
    const lines = ['asyncapi: 3.0.0', 'info: {title: bomb, version: "1"}', 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const t0 = performance.now();
    render(<AsyncApiViewer definition={lines.join('\n')} />);
    assert.match(screen.getByRole('alert').textContent ?? '', /alias expansion/);
    assert.ok(performance.now() - t0 < 2000);
  });
});
