import { el } from '../dom.js';
import { cartHash } from '../routes.js';

// A placeholder until checkout is built: it says so plainly and asks the shopper for nothing.
export async function checkoutView() {
  return {
    title: 'Checkout',
    node: el('div', { class: 'placeholder-page' },
      el('h1', { tabindex: -1 }, 'Checkout'),
      el('p', {}, 'Checkout is coming soon. Your cart stays saved to your account until then.'),
      el('a', { href: cartHash }, 'Back to your cart')),
  };
}
