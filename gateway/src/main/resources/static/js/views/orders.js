import { el } from '../dom.js';
import { formatDateTime, formatPrice } from '../format.js';
import { listOrders } from '../orders.js';
import { orderHash, signInHash } from '../routes.js';
import { currentSession } from '../session.js';

const STATUS_NAMES = { PENDING: 'Processing', CONFIRMED: 'Confirmed', FAILED: 'Not completed', CANCELLED: 'Cancelled' };

// The shopper's orders, newest first, each leading to its page and invoice.
export async function ordersView() {
  if (!currentSession()) return { redirect: signInHash };
  const orders = await listOrders();
  return {
    title: 'Your orders',
    node: el('div', { class: 'orders-page' },
      el('h1', { tabindex: -1 }, 'Your orders'),
      orders.length ? el('ul', { id: 'order-list', class: 'order-list' }, ...orders.map(orderRow)) : noOrders()),
  };
}

function orderRow(order) {
  return el('li', { class: 'order-row', 'data-order-id': order.orderId },
    el('a', { class: 'order-link', href: orderHash(order.orderId) }, formatDateTime(order.createdAt)),
    orderStatus(order.status),
    el('span', { class: 'order-invoice' }, order.invoiceNumber ? `Invoice ${order.invoiceNumber}` : 'No invoice'),
    el('strong', { class: 'order-total', 'data-cents': order.totalCents }, formatPrice(order.totalCents, order.currency)));
}

// The status as a badge; shared with the order page. An unknown status still shows, as sent.
export function orderStatus(status, id) {
  return el('span', { id, class: `order-status status-${String(status).toLowerCase()}`, 'data-status': status },
    STATUS_NAMES[status] ?? status);
}

function noOrders() {
  return el('div', { id: 'orders-empty', class: 'empty-results' },
    el('p', {}, 'You haven’t ordered anything yet.'),
    el('a', { href: '#/' }, 'Browse all products'));
}
