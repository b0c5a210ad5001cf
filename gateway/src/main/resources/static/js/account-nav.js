import { cartCount, loadCartCount, onCartChange } from './cart.js';
import { el } from './dom.js';
import { countLabel } from './format.js';
import { accountHash, cartHash, ordersHash, signInHash, signUpHash } from './routes.js';
import { currentSession, endSession, onSessionChange } from './session.js';

// The header's account, orders and cart links, rebuilt whenever the session starts, ends or learns
// the name. A cart change only rewrites the count: a rebuild would take keyboard focus off a header
// link.
export function showAccountNav(nav) {
  const render = () => nav.replaceChildren(...links());
  onSessionChange(render);
  onCartChange(() => {
    const cartLink = nav.querySelector('#nav-cart');
    if (cartLink) showCartCount(cartLink);
  });
  render();
}

function links() {
  const session = currentSession();
  if (!session) {
    return [
      el('a', { id: 'nav-sign-in', href: signInHash }, 'Sign in'),
      el('a', { id: 'nav-sign-up', class: 'nav-pill', href: signUpHash }, 'Create account'),
    ];
  }
  const signOut = el('button', { type: 'button', id: 'sign-out', class: 'quiet-button' }, 'Sign out');
  signOut.addEventListener('click', () => {
    endSession();
    // The header was rebuilt without this button: keep keyboard focus there rather than lose it
    // (going home moves it on to the page heading, unless the shopper is home already).
    document.getElementById('nav-sign-in').focus();
    location.hash = '#/';
  });
  return [
    el('a', { id: 'nav-account', href: accountHash }, session.name || 'Your account'),
    el('a', { id: 'nav-orders', href: ordersHash }, 'Orders'),
    cartLink(),
    signOut,
  ];
}

function cartLink() {
  const link = el('a', { id: 'nav-cart', class: 'nav-cart', href: cartHash },
    el('span', { class: 'nav-cart-label' }, 'Cart'), el('span', { id: 'cart-count', class: 'cart-count' }));
  showCartCount(link);
  loadCartCount(); // until the cart arrives the link shows no count
  return link;
}

function showCartCount(link) {
  const count = cartCount();
  const badge = link.querySelector('#cart-count');
  badge.textContent = count ?? '';
  badge.hidden = count === null;
  link.setAttribute('aria-label', count === null ? 'Cart' : `Cart, ${countLabel(count, 'item')}`);
}
