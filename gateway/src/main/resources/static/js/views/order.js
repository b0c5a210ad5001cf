import { postalAddress } from '../address.js';
import { el } from '../dom.js';
import { formatDateTime } from '../format.js';
import { failureMessage, showStatus } from '../forms.js';
import { cancelOrder, getOrder, getShipment, openPrintableInvoice } from '../orders.js';
import { invoiceHash, ordersHash, signInHash } from '../routes.js';
import { currentSession } from '../session.js';
import { orderStatus } from './orders.js';
import { receiptLines, shippingPrice, totalsList } from './receipt.js';

let justPlaced = null; // the order checkout has just taken, thanked for once

export function thankFor(orderId) {
  justPlaced = String(orderId);
}

// One of the shopper's orders: what was bought, where it goes, how it was paid, and its invoice.
// Straight after checkout it is the confirmation.
export async function orderView(id) {
  if (!currentSession()) return { redirect: signInHash };
  const order = await getOrder(id);
  const shipment = order.status === 'CONFIRMED' || order.status === 'CANCELLED'
    ? await getShipment(order.orderId).catch(() => undefined) : undefined;
  const thanks = justPlaced === String(order.orderId);
  justPlaced = null;
  const title = thanks ? 'Thank you for your order' : `Order of ${formatDateTime(order.createdAt)}`;

  return {
    title,
    node: el('div', { class: 'order-page' },
      el('a', { class: 'back-link', href: ordersHash }, el('span', { 'aria-hidden': 'true' }, '← '), 'All your orders'),
      el('h1', { tabindex: -1 }, title),
      el('p', { class: 'order-meta' },
        orderStatus(order.status, 'order-status'),
        ` Order ${order.orderId}, placed ${formatDateTime(order.createdAt)}`),
      thanks ? el('p', { class: 'form-message success' }, outcome(order.status)) : '',
      order.cancelReason ? el('p', { id: 'order-cancel-reason', class: 'form-message' }, order.cancelReason) : '',
      shipment !== undefined ? trackingPanel(order, shipment) : '',
      order.invoiceId != null ? invoicePanel(order) : '',
      el('section', { class: 'receipt', 'aria-label': 'What you bought' },
        receiptLines(order.lines, order.currency),
        totalsList('order', order.currency, {
          itemsCents: order.itemsCents,
          shipping: shippingPrice(order.shippingCents, order.currency),
          totalCents: order.totalCents,
        })),
      el('dl', { class: 'order-facts' },
        el('dt', {}, 'Shipping to'), el('dd', { id: 'order-address' }, postalAddress(order.shippingAddress)),
        ...(order.carrier ? [el('dt', {}, 'Carrier'), el('dd', { id: 'order-carrier' }, order.carrier)] : []),
        ...(order.card ? [el('dt', {}, 'Paid with'), el('dd', { id: 'order-card' }, cardText(order.card))] : []))),
  };
}

function outcome(status) {
  if (status === 'CONFIRMED') return 'Your payment went through and your order is confirmed. Your invoice is below.';
  if (status === 'PENDING') return 'We have your order and are finishing it; this page shows its status.';
  return 'Your order did not go through, and your card was not charged.';
}

const SHIPMENT_STEPS = { LABEL_CREATED: 'Label created', DISPATCHED: 'Dispatched', IN_TRANSIT: 'In transit',
  DELIVERED: 'Delivered', CANCELLED: 'Cancelled' };

// Where the parcel is (null: shipping has not made it yet), and cancelling while it has not left.
function trackingPanel(order, shipment) {
  const message = el('p', { class: 'form-message', role: 'status' });
  const cancellable = order.status === 'CONFIRMED' && (shipment === null || shipment.status === 'LABEL_CREATED');
  const cancel = el('button', { type: 'button', id: 'cancel-order', class: 'quiet-button' }, 'Cancel order');
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    showStatus(message, 'notice');
    try {
      await cancelOrder(order.orderId);
      window.dispatchEvent(new HashChangeEvent('hashchange')); // shows the cancelled order
    } catch (error) {
      showStatus(message, 'error', failureMessage(error));
      cancel.disabled = false;
    }
  });
  return el('section', { id: 'tracking', class: 'invoice-panel', 'aria-labelledby': 'tracking-heading' },
    el('h2', { id: 'tracking-heading' }, 'Delivery'),
    shipment === null
      ? el('p', { id: 'shipment-status' }, 'Your parcel is being prepared.')
      : el('div', {},
        el('p', { id: 'shipment-status', 'data-status': shipment.status },
          SHIPMENT_STEPS[shipment.status] ?? shipment.status, ' · ', shipment.carrier, ' · tracking number ',
          el('strong', { id: 'tracking-number' }, shipment.trackingNumber)),
        el('ol', { class: 'tracking-events' }, ...shipment.events.map((event) => el('li', {},
          `${SHIPMENT_STEPS[event.status] ?? event.status}: ${formatDateTime(event.at)}`)))),
    cancellable ? el('p', { class: 'invoice-actions' }, cancel) : '',
    message);
}

function invoicePanel({ invoiceId, invoiceNumber }) {
  const message = el('p', { class: 'form-message', role: 'status' });
  const printable = el('button', { type: 'button', id: 'open-invoice', class: 'quiet-button' }, 'Printable invoice');
  printable.addEventListener('click', async () => {
    showStatus(message, 'notice');
    try {
      await openPrintableInvoice(invoiceId);
    } catch (error) {
      showStatus(message, 'error', failureMessage(error));
    }
  });
  return el('section', { class: 'invoice-panel', 'aria-labelledby': 'invoice-panel-heading' },
    el('h2', { id: 'invoice-panel-heading' }, 'Invoice ', el('span', { id: 'order-invoice-number' }, invoiceNumber)),
    el('p', { class: 'invoice-actions' },
      el('a', { id: 'view-invoice', class: 'button-link', href: invoiceHash(invoiceId) }, 'View invoice'),
      printable),
    message);
}

function cardText({ brand, last4 }) {
  return `${brand} ending in ${last4}`;
}
