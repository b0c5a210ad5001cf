// What an order and its invoice both show: the lines bought, and what they came to.
import { el } from '../dom.js';
import { formatPrice } from '../format.js';

// lines: [{productId, sku, name, quantity, unitPriceCents, lineCents}]
export function receiptLines(lines, currency) {
  return el('table', { class: 'receipt-lines' },
    el('caption', { class: 'visually-hidden' }, 'Items'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Item'),
      el('th', { scope: 'col', class: 'number' }, 'Quantity'),
      el('th', { scope: 'col', class: 'number unit-price' }, 'Price'),
      el('th', { scope: 'col', class: 'number' }, 'Amount'))),
    el('tbody', {}, ...lines.map((line) => el('tr', { 'data-product-id': line.productId },
      el('th', { scope: 'row' }, line.name, el('span', { class: 'receipt-sku' }, line.sku)),
      el('td', { class: 'number' }, String(line.quantity)),
      el('td', { class: 'number unit-price' }, formatPrice(line.unitPriceCents, currency)),
      el('td', { class: 'number' }, formatPrice(line.lineCents, currency))))));
}

// shipping is what its row says: a price, or words while checkout is still working it out.
export function totalsList(idPrefix, currency, { itemsCents, shipping, totalCents, totalLabel = 'Total' }) {
  return el('dl', { class: 'totals' },
    el('dt', {}, 'Items'),
    el('dd', { id: `${idPrefix}-items`, 'data-cents': itemsCents }, formatPrice(itemsCents, currency)),
    el('dt', {}, 'Shipping'),
    el('dd', { id: `${idPrefix}-shipping` }, shipping),
    el('dt', { class: 'totals-grand' }, totalLabel),
    el('dd', { id: `${idPrefix}-total`, class: 'totals-grand', 'data-cents': totalCents }, formatPrice(totalCents, currency)));
}

export function shippingPrice(cents, currency) {
  return cents === 0 ? 'Free' : formatPrice(cents, currency);
}
