// The shopper's orders and invoices, kept by the billing service; this module is its one door.
import { ApiError, request } from './api.js';

const ORDER_MESSAGES = { 404: 'We couldn’t find that order in your account.' };
const INVOICE_MESSAGES = { 404: 'We couldn’t find that invoice in your account.' };

// A checkout attempt keeps its Idempotency-Key until billing gives a definitive answer: when the
// answer is lost, paying again sends the same key, and billing answers with the order it may
// already have taken (or its failure) instead of charging a second time. The key lives in session
// storage, so a reload of the page during checkout pays with it too. The attempt names the cart's
// version: billing buys only that cart, and places one order per version, so a second tab paying
// for the same cart gets the first tab's order. A changed cart is a new attempt. Billing keeps keys
// per shopper, so another shopper in this tab cannot collide with one.
const ATTEMPT = 'shop.checkout.attempt'; // { cartVersion, key }

function storedAttempt() {
  try {
    return JSON.parse(sessionStorage.getItem(ATTEMPT));
  } catch {
    return null; // unreadable: a new attempt replaces it
  }
}

function currentAttempt(cartVersion) {
  const stored = storedAttempt();
  if (stored?.cartVersion === cartVersion && typeof stored.key === 'string') return stored;
  const attempt = { cartVersion, key: newKey() };
  sessionStorage.setItem(ATTEMPT, JSON.stringify(attempt));
  return attempt;
}

// checkout: { shippingAddress, payment } as the API takes them; cart: the cart the shopper saw.
export async function placeOrder(checkout, cart) {
  const { key } = currentAttempt(cart.version);
  const settled = () => {
    if (storedAttempt()?.key === key) sessionStorage.removeItem(ATTEMPT);
  };
  try {
    const order = await request('/api/billing/orders', {
      method: 'POST',
      headers: { 'Idempotency-Key': key },
      body: { ...checkout, cartVersion: cart.version },
      messages: {
        // Billing saw this key with other details: an earlier attempt got through, its answer lost.
        422: 'We already received a payment for this cart with other details. Please check your orders '
          + 'before paying again.',
      },
    });
    settled();
    return order;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (answerLost(error)) {
      throw new ApiError(error.status, `${error.message} Paying again is safe: you won’t be charged twice.`,
        error.fieldErrors, error.problem);
    }
    settled();
    throw withBillingsOwnDetail(error);
  }
}

// Billing's own 503 names the service that is down and says what became of the request (nothing
// charged; a cancellation kept for later); the gateway's fallback, which has a `service`, cannot.
function withBillingsOwnDetail(error) {
  if (error instanceof ApiError && error.status === 503 && !error.problem.service && error.problem.detail) {
    return new ApiError(503, error.problem.detail, error.fieldErrors, error.problem);
  }
  return error;
}

// randomUUID exists only in secure contexts (https, localhost); the shop opened over plain http by
// another address must still be able to pay.
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Whether the request may have reached billing without its answer coming back: no answer at all,
// the gateway answering for billing (its fallback names the service; billing may still be at work
// after the gateway's timeout), or a 5xx billing did not mean. A 503 of billing's own is final.
function answerLost(error) {
  if (error.status === 503) return Boolean(error.problem.service);
  return error.status === 0 || error.status >= 500;
}

export function listOrders() {
  return request('/api/billing/orders');
}

export function getOrder(id) {
  return request(`/api/billing/orders/${encodeURIComponent(id)}`, { messages: ORDER_MESSAGES });
}

// The order's parcel, or null while shipping has not made it yet (it follows the order by moments).
export async function getShipment(orderId) {
  try {
    return await request(`/api/shipping/shipments?orderId=${encodeURIComponent(orderId)}`);
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

export async function cancelOrder(id) {
  try {
    return await request(`/api/billing/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} });
  } catch (error) {
    throw withBillingsOwnDetail(error);
  }
}

export function getInvoice(id) {
  return request(`/api/billing/invoices/${encodeURIComponent(id)}`, { messages: INVOICE_MESSAGES });
}

// The printable invoice is a whole HTML document that needs the bearer token, which a plain link
// cannot carry: fetch it, then show it from a Blob URL. The tab is opened before the request,
// while the click still counts as the shopper's, or a popup blocker would stop it.
export async function openPrintableInvoice(id) {
  const tab = window.open('', '_blank');
  try {
    const html = await request(`/api/billing/invoices/${encodeURIComponent(id)}`, {
      accept: 'text/html',
      messages: INVOICE_MESSAGES,
    });
    const url = URL.createObjectURL(html); // typed as served, charset included
    if (tab) tab.location.href = url;
    else location.assign(url); // popups refused: show it here, Back returns
    setTimeout(() => URL.revokeObjectURL(url), 60_000); // long after the tab has read it
  } catch (error) {
    tab?.close();
    throw error;
  }
}
