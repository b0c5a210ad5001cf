import { addressFields, readAddress } from '../address.js';
import { ApiError, getProfile, quoteShipping } from '../api.js';
import { itemCount, loadCart } from '../cart.js';
import { el } from '../dom.js';
import { countLabel, formatPrice } from '../format.js';
import { field, formMessage, onSubmit } from '../forms.js';
import { placeOrder } from '../orders.js';
import { cartHash, orderHash, ordersHash, signInHash } from '../routes.js';
import { currentSession } from '../session.js';
import { thankFor } from './order.js';
import { shippingPrice, totalsList } from './receipt.js';

const QUOTE_DELAY_MS = 400; // a pause in typing, so a quote is not asked for at every keystroke
const SHIPPING_PENDING = { 'no-address': 'Needs your address', quoting: 'Calculating…', unavailable: 'At payment' };
const TEST_CARDS = [
  ['4242 4242 4242 4242', 'is approved'],
  ['4000 0000 0000 0002', 'is declined'],
  ['4000 0000 0000 9995', 'is declined for insufficient funds'],
];

// The signed-in shopper pays for their cart: where to send it and which card pays. Billing prices
// the cart itself, so this summary is for the shopper to check; the order page shows what was charged.
export async function checkoutView() {
  if (!currentSession()) return { redirect: signInHash };
  const [cart, profile] = await Promise.all([
    loadCart(),
    getProfile().catch(() => ({})), // without the saved address the shopper types it in
  ]);
  const heading = el('h1', { tabindex: -1 }, 'Checkout');
  if (!cart.items.length) {
    return { title: 'Checkout', node: el('div', { class: 'checkout-page' }, heading, emptyCart()) };
  }

  const pay = el('button', { type: 'submit', id: 'pay' }, 'Pay');
  const addressSet = el('fieldset', {},
    el('legend', {}, 'Shipping address'),
    ...addressFields({
      idPrefix: 'shipping', namePrefix: 'shippingAddress', address: profile.address ?? {}, required: true,
    }));
  const form = el('form', { id: 'checkout-form', class: 'stacked-form checkout-form', novalidate: true },
    addressSet,
    el('fieldset', {},
      el('legend', {}, 'Payment'),
      testCardHint(),
      field({ id: 'card-number', name: 'payment.cardNumber', label: 'Card number', inputmode: 'numeric',
        autocomplete: 'cc-number', maxlength: 23, spellcheck: 'false', required: true }),
      el('div', { class: 'card-row' },
        field({ id: 'card-exp-month', name: 'payment.expMonth', label: 'Expiry month', placeholder: 'MM',
          inputmode: 'numeric', autocomplete: 'cc-exp-month', maxlength: 2, required: true }),
        field({ id: 'card-exp-year', name: 'payment.expYear', label: 'Expiry year', placeholder: 'YYYY',
          inputmode: 'numeric', autocomplete: 'cc-exp-year', maxlength: 4, required: true }),
        field({ id: 'card-cvc', name: 'payment.cvc', label: 'Security code', placeholder: 'CVC',
          inputmode: 'numeric', autocomplete: 'cc-csc', maxlength: 4, required: true }))),
    formMessage(),
    pay);

  const totals = checkoutTotals(cart, pay);
  let latestQuote = 0;
  let quoteTimer;
  const requestQuote = async () => {
    const quoteId = ++latestQuote;
    const address = readAddress(Object.fromEntries(new FormData(form)), 'shippingAddress');
    // Shipping quotes a whole address only; the rate itself depends on the country.
    const complete = address.line1 && address.city && address.postalCode && /^[A-Z]{2}$/.test(address.country);
    if (!complete) {
      totals.show({ state: 'no-address' });
      return;
    }
    totals.show({ state: 'quoting' });
    const items = cart.items.map(({ productId, quantity }) => ({ productId, quantity }));
    const shown = await quoteShipping(address, items).then(
      (quote) => ({ state: 'quoted', quote }),
      () => ({ state: 'unavailable' })); // billing quotes again at payment, so checkout goes on
    if (quoteId === latestQuote) totals.show(shown);
  };
  addressSet.addEventListener('input', () => {
    clearTimeout(quoteTimer);
    quoteTimer = setTimeout(requestQuote, QUOTE_DELAY_MS);
  });
  requestQuote(); // the saved address may be complete already

  onSubmit(form, async (values) => {
    const checkout = { shippingAddress: readAddress(values, 'shippingAddress'), payment: paymentDetails(values) };
    pay.disabled = true;
    pay.textContent = 'Paying…';
    let order;
    try {
      order = await placeOrder(checkout, cart); // on failure, what was typed stays in the form
    } finally {
      pay.disabled = false;
      totals.labelPay();
      pay.focus(); // disabling took focus off the button; a field error moves it on from here
    }
    thankFor(order.orderId);
    loadCart().catch(() => {}); // billing emptied the cart: bring the header's count up to date
    location.hash = orderHash(order.orderId);
    return null;
  });

  return {
    title: 'Checkout',
    node: el('div', { class: 'checkout-page' },
      heading,
      el('div', { class: 'checkout-layout' }, orderSummary(cart, totals.node), form)),
  };
}

function orderSummary(cart, totalsNode) {
  return el('section', { class: 'checkout-summary', 'aria-labelledby': 'checkout-summary-heading' },
    el('h2', { id: 'checkout-summary-heading' }, `Your order (${countLabel(itemCount(cart), 'item')})`),
    el('ul', { class: 'checkout-lines' }, ...cart.items.map(({ productId, name, quantity, priceCents }) =>
      el('li', { 'data-product-id': productId },
        el('span', {}, `${quantity} × ${name}`),
        el('span', { class: 'checkout-line-total' }, formatPrice(priceCents * quantity, cart.currency))))),
    totalsNode,
    el('a', { href: cartHash }, 'Change your cart'));
}

// The totals as far as they are known: shipping needs the address, then a quote. The Pay button
// names the amount once shipping is in it.
function checkoutTotals(cart, pay) {
  const { totalCents: itemsCents, currency } = cart;
  const node = el('div', { class: 'checkout-totals' });
  let payable = null;
  const labelPay = () => {
    pay.textContent = payable === null ? 'Pay' : `Pay ${formatPrice(payable, currency)}`;
  };
  const show = ({ state, quote }) => {
    const quoted = state === 'quoted';
    payable = quoted ? itemsCents + quote.costCents : null;
    const shipping = quoted ? shippingPrice(quote.costCents, currency) : SHIPPING_PENDING[state];
    node.replaceChildren(
      totalsList('checkout', currency, {
        itemsCents, shipping, totalCents: payable ?? itemsCents, totalLabel: quoted ? 'Total' : 'Total before shipping',
      }),
      el('p', { id: 'shipping-note', class: 'shipping-note', role: 'status' },
        quoted ? `${quote.carrier}, arriving in about ${countLabel(quote.etaDays, 'day')}.` : '',
        state === 'unavailable' ? 'Shipping is calculated at payment.' : ''));
    if (!pay.disabled) labelPay();
  };
  return { node, show, labelPay };
}

// The digits as the API takes them: the expiry as numbers, the card number and CVC as text (a CVC
// may start with 0). Anything but digits is refused here, beside its field, rather than sent.
function paymentDetails(values) {
  const problems = [];
  const digits = (name) => {
    const text = values[name].replace(/[\s-]/g, '');
    if (!/^\d*$/.test(text)) problems.push({ field: name, message: 'Please use digits only' });
    return text;
  };
  const number = (text) => (text === '' ? null : Number(text));
  const year = digits('payment.expYear');
  const payment = {
    cardNumber: digits('payment.cardNumber'),
    expMonth: number(digits('payment.expMonth')),
    expYear: year.length === 2 ? 2000 + Number(year) : number(year), // "27", as printed on the card
    cvc: digits('payment.cvc'),
  };
  if (problems.length) throw new ApiError(400, 'Please correct the marked fields.', problems);
  return payment;
}

function testCardHint() {
  return el('div', { id: 'test-cards', class: 'test-cards' },
    el('p', {}, 'This shop takes test cards only, with any future expiry date and any three-digit code:'),
    el('ul', {}, ...TEST_CARDS.map(([number, outcome]) => el('li', {}, el('code', {}, number), ` ${outcome}`))));
}

function emptyCart() {
  return el('div', { id: 'checkout-empty', class: 'empty-results' },
    el('p', {}, 'Your cart is empty, so there is nothing to pay for.'),
    el('p', {}, el('a', { href: '#/' }, 'Browse all products'), ' · ', el('a', { href: ordersHash }, 'Your orders')));
}
