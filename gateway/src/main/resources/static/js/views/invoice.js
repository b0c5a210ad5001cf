import { postalAddress } from '../address.js';
import { el } from '../dom.js';
import { formatDate } from '../format.js';
import { getInvoice } from '../orders.js';
import { orderHash, signInHash } from '../routes.js';
import { currentSession } from '../session.js';
import { receiptLines, shippingPrice, totalsList } from './receipt.js';

// One invoice as a document: the print stylesheet leaves only the document on paper.
export async function invoiceView(id) {
  if (!currentSession()) return { redirect: signInHash };
  const invoice = await getInvoice(id);
  const title = `Invoice ${invoice.invoiceNumber}`;
  const print = el('button', { type: 'button', id: 'print-invoice' }, 'Print');
  print.addEventListener('click', () => window.print());

  return {
    title,
    node: el('div', { class: 'invoice-page' },
      el('p', { class: 'invoice-toolbar no-print' },
        el('a', { class: 'back-link', href: orderHash(invoice.orderId) },
          el('span', { 'aria-hidden': 'true' }, '← '), 'Back to the order'),
        print),
      el('article', { class: 'invoice-document' },
        el('header', { class: 'invoice-header' },
          el('p', { class: 'invoice-seller' }, 'Fig & Co.'),
          el('h1', { tabindex: -1 }, title),
          el('dl', { class: 'invoice-facts' },
            el('dt', {}, 'Issued'), el('dd', { id: 'invoice-issued' }, formatDate(invoice.issuedAt)),
            el('dt', {}, 'Order'), el('dd', {}, String(invoice.orderId)))),
        el('section', { class: 'invoice-billed', 'aria-labelledby': 'invoice-billed-heading' },
          el('h2', { id: 'invoice-billed-heading' }, 'Billed to'),
          postalAddress(invoice.billingAddress)),
        receiptLines(invoice.lines, invoice.currency),
        totalsList('invoice', invoice.currency, {
          itemsCents: invoice.itemsCents,
          shipping: shippingPrice(invoice.shippingCents, invoice.currency),
          totalCents: invoice.totalCents,
        }))),
  };
}
