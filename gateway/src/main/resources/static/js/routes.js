// The one place that knows the URL shapes. Everything lives in the hash, so the gateway
// only ever serves index.html and never needs a fallback route:
//   #/                                    all products
//   #/?q=steel&category=kitchen&page=2    search, filter and page (page is 1-based here)
//   #/products/42                         one product
//   #/sign-in, #/sign-up                  log in or create an account
//   #/account                             the signed-in shopper's profile and address
//   #/cart, #/checkout                    the signed-in shopper's cart, and checking it out

export const signInHash = '#/sign-in';
export const signUpHash = '#/sign-up';
export const accountHash = '#/account';
export const cartHash = '#/cart';
export const checkoutHash = '#/checkout';

export function parseRoute(hash) {
  const [path, query = ''] = (hash.replace(/^#/, '') || '/').split('?');
  const product = path.match(/^\/products\/([^/]+)$/);
  if (product) return { name: 'product', id: decodeURIComponent(product[1]) };
  if (path === '/') return { name: 'catalog', ...catalogState(new URLSearchParams(query)) };
  // Named after their path: 'sign-in', 'sign-up', 'account', 'cart', 'checkout'.
  if ([signInHash, signUpHash, accountHash, cartHash, checkoutHash].includes(`#${path}`)) return { name: path.slice(1) };
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
