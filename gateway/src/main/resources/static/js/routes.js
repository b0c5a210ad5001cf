// The one place that knows the URL shapes. Everything lives in the hash, so the gateway
// only ever serves index.html and never needs a fallback route:
//   #/                                    all products
//   #/?q=steel&category=kitchen&page=2    search, filter and page (page is 1-based here)
//   #/products/42                         one product
//   #/sign-in, #/sign-up                  log in or create an account
//   #/account                             the signed-in shopper's profile and address
//   #/cart, #/checkout                    the signed-in shopper's cart, and checking it out
//   #/orders, #/orders/7                  the shopper's order history, and one order
//   #/invoices/7                          one invoice, printable

export const signInHash = '#/sign-in';
export const signUpHash = '#/sign-up';
export const accountHash = '#/account';
export const cartHash = '#/cart';
export const checkoutHash = '#/checkout';
export const ordersHash = '#/orders';

export function parseRoute(hash) {
  const [path, query = ''] = (hash.replace(/^#/, '') || '/').split('?');
  // One thing by its id: 'product', 'order', 'invoice'.
  const single = path.match(/^\/(product|order|invoice)s\/([^/]+)$/);
  if (single) return { name: single[1], id: decodeURIComponent(single[2]) };
  if (path === '/') return { name: 'catalog', ...catalogState(new URLSearchParams(query)) };
  // Named after their path: 'sign-in', 'sign-up', 'account', 'cart', 'checkout', 'orders'.
  if ([signInHash, signUpHash, accountHash, cartHash, checkoutHash, ordersHash].includes(`#${path}`)) {
    return { name: path.slice(1) };
  }
  return { name: 'not-found' };
}

function catalogState(params) {
  const page = Number.parseInt(params.get('page'), 10);
  return {
    q: (params.get('q') ?? '').trim(),
    category: params.get('category') ?? '',
    page: page > 0 ? page : 1,
  };
}

export function catalogHash({ q = '', category = '', page = 1 } = {}) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (category) params.set('category', category);
  if (page > 1) params.set('page', page);
  const query = params.toString();
  return query ? `#/?${query}` : '#/';
}

export function productHash(id) {
  return `#/products/${encodeURIComponent(id)}`;
}

export function orderHash(id) {
  return `#/orders/${encodeURIComponent(id)}`;
}

export function invoiceHash(id) {
  return `#/invoices/${encodeURIComponent(id)}`;
}
