// The signed-in shopper's cart, kept by the profiles service; this module is its one door. It
// remembers the cart as last seen, so the header can show a count without asking again, and tells
// listeners after every answer. The server prices each line from the catalogue at read time.
import { request } from './api.js';
import { currentSession } from './session.js';

export const MAX_QUANTITY = 99;

const CART_PATH = '/api/profiles/me/cart';
const MESSAGES = {
  400: `Please choose a quantity from 0 to ${MAX_QUANTITY}.`,
  503: 'Your cart is taking a short break. Please try again in a moment.',
};
const listeners = new Set();
let lastSeen = null; // { token, cart }: keyed by the session's token, so another shopper never sees it
let queue = Promise.resolve();
let countLoading = null; // the session token the header's count is being loaded for

export function onCartChange(listener) {
  listeners.add(listener);
}

// The sum of quantities in the cart as last seen, or null before it is known in this session.
export function cartCount() {
  const token = currentSession()?.token;
  return token && lastSeen?.token === token ? itemCount(lastSeen.cart) : null;
}

export function itemCount(cart) {
  return cart.items.reduce((sum, item) => sum + item.quantity, 0);
}

export function loadCart() {
  return inTurn(() => fetchCart(CART_PATH));
}

// For the header's count: loads the cart unless it is known or already on its way for this session
// (signing in rebuilds the header twice: once for the token, once for the name).
export function loadCartCount() {
  const token = currentSession()?.token;
  if (!token || cartCount() !== null || countLoading === token) return;
  countLoading = token;
  // A failure leaves the header without a count; the cart page is where it gets explained.
  loadCart().catch(() => {}).finally(() => {
    if (countLoading === token) countLoading = null;
  });
}

// Sets a line's quantity; 0 removes it. Answers the whole cart.
export function setQuantity(productId, quantity) {
  return inTurn(() => putQuantity(productId, quantity));
}

// Adds to what the cart already holds, up to the maximum, reading the cart first so another tab's
// changes count too. Answers how many were added (0 when the line was full) and the line's quantity.
export function addToCart(productId, quantity) {
  return inTurn(async () => {
    const held = (await fetchCart(CART_PATH)).items.find((item) => item.productId === productId)?.quantity ?? 0;
    const wanted = Math.min(MAX_QUANTITY, held + quantity);
    if (wanted > held) await putQuantity(productId, wanted);
    return { added: wanted - held, quantity: wanted };
  });
}

export function clearCart() {
  return inTurn(() => fetchCart(CART_PATH, { method: 'DELETE' }));
}

// One call at a time, in the order asked: the last answer is then the cart as it is now, even when
// the shopper changes quantities faster than the network answers.
function inTurn(call) {
  const result = queue.then(call, call);
  queue = result.catch(() => {});
  return result;
}

function putQuantity(productId, quantity) {
  return fetchCart(`${CART_PATH}/items/${encodeURIComponent(productId)}`, {
    method: 'PUT',
    body: { quantity },
    messages: { 404: 'This product is no longer sold, so it can’t go in your cart.' },
  });
}

// Every cart call answers the whole cart, except clearing it (204, no body).
async function fetchCart(path, { messages, ...options } = {}) {
  const token = currentSession()?.token;
  const answer = await request(path, { ...options, messages: { ...MESSAGES, ...messages } });
  const cart = answer ?? { items: [], totalCents: 0, currency: lastSeen?.cart.currency };
  lastSeen = { token, cart };
  listeners.forEach((listener) => listener());
  return cart;
}
