import { showAccountNav } from './account-nav.js';
import { ApiError } from './api.js';
import { el } from './dom.js';
import { catalogHash, parseRoute } from './routes.js';
import { accountView } from './views/account.js';
import { cartView } from './views/cart.js';
import { catalogView } from './views/catalog.js';
import { checkoutView } from './views/checkout.js';
import { invoiceView } from './views/invoice.js';
import { orderView } from './views/order.js';
import { ordersView } from './views/orders.js';
import { productView } from './views/product.js';
import { signInView } from './views/sign-in.js';
import { signUpView } from './views/sign-up.js';

const view = document.getElementById('view');
const errorBox = document.getElementById('error-message');
const searchForm = document.getElementById('search-form');
const searchInput = document.getElementById('search');

let lastCatalogHash = '#/'; // where "Back to results" returns to
let returnHash = '#/'; // where signing in or up returns to: the last page that was neither
let latestRender = 0; // a slow response must never replace a page the shopper has moved on from

function load(route) {
  if (route.name !== 'sign-in' && route.name !== 'sign-up') returnHash = location.hash || '#/';
  switch (route.name) {
    case 'catalog':
      lastCatalogHash = catalogHash(route);
      searchInput.value = route.q;
      return catalogView(route);
    case 'product':
      return productView(route.id, lastCatalogHash);
    case 'sign-in':
      return signInView(returnHash);
    case 'sign-up':
      return signUpView(returnHash);
    case 'account':
      return accountView();
    case 'cart':
      return cartView();
    case 'checkout':
      return checkoutView();
    case 'orders':
      return ordersView();
    case 'order':
      return orderView(route.id);
    case 'invoice':
      return invoiceView(route.id);
    default:
      return Promise.reject(new ApiError(404, 'That page doesn’t exist.'));
  }
}

// moveFocus is for navigation inside the app: start the new page at its heading, as a full
// page load would, so keyboard and screen reader users are not left on a removed element.
// A view answers { redirect } instead of a page when the shopper must be elsewhere, such as
// signed out on a page that needs sign-in; replacing the hash keeps Back from bouncing there.
// Leaving the hash (a redirect, or an ended session sending the shopper to sign in) also
// makes the answer stale.
async function render({ moveFocus }) {
  const renderId = ++latestRender;
  const hash = location.hash;
  const stale = () => renderId !== latestRender || location.hash !== hash;
  view.setAttribute('aria-busy', 'true');
  try {
    const page = await load(parseRoute(hash));
    if (stale()) return;
    if (page.redirect) {
      location.replace(page.redirect);
      return;
    }
    errorBox.hidden = true;
    view.replaceChildren(page.node);
    document.title = `${page.title} · Fig & Co.`;
    if (moveFocus) {
      window.scrollTo(0, 0);
      view.querySelector('h1')?.focus();
    }
  } catch (error) {
    if (stale()) return;
    showError(error);
  } finally {
    if (renderId === latestRender) view.removeAttribute('aria-busy');
  }
}

function showError(error) {
  if (!(error instanceof ApiError)) console.error(error); // a bug in our code, not a failed request
  const message = error instanceof ApiError
    ? error.message
    : 'Something went wrong while showing this page. Please try again.';
  // Retrying helps when the network or a service hiccuped, not when something does not exist.
  const transient = !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
  const retry = el('button', { type: 'button' }, 'Try again');
  retry.addEventListener('click', () => render({ moveFocus: false }));
  errorBox.replaceChildren(
    el('p', {}, message),
    el('p', { class: 'error-actions' }, transient ? retry : '', el('a', { href: '#/' }, 'Browse all products')));
  errorBox.hidden = false;
  view.replaceChildren();
  document.title = 'Fig & Co.';
}

searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  // A new search looks across every category and starts at page one.
  const target = catalogHash({ q: searchInput.value.trim() });
  if (location.hash === target) render({ moveFocus: true }); // no hashchange fires for the same hash
  else location.hash = target;
});

window.addEventListener('hashchange', () => render({ moveFocus: true }));
showAccountNav(document.getElementById('account-nav'));
render({ moveFocus: false });
