import { addToCart, MAX_QUANTITY } from '../cart.js';
import { el } from '../dom.js';
import { onSubmit } from '../forms.js';
import { cartHash } from '../routes.js';
import { askToSignIn, currentSession } from '../session.js';

const CHOICES = 10; // how many the quantity menu offers at once; the cart takes up to MAX_QUANTITY

// The product page's "Add to cart". Signed out, it sends the shopper to sign in, and signing in
// brings them back to this product.
export function addToCartPanel(product) {
  const quantity = el('select', { id: 'add-quantity', name: 'quantity' },
    ...Array.from({ length: CHOICES }, (_, i) => el('option', { value: i + 1 }, String(i + 1))));
  const form = el('form', { id: 'add-to-cart-form', class: 'add-to-cart-form' },
    el('div', { class: 'field' }, el('label', { for: 'add-quantity' }, 'Quantity'), quantity),
    el('button', { type: 'submit', id: 'add-to-cart' }, 'Add to cart'),
    el('p', { id: 'cart-message', class: 'form-message', role: 'status' }));
  onSubmit(form, async (values) => {
    if (!currentSession()) {
      askToSignIn(`Please sign in to add ${product.name} to your cart.`);
      return null;
    }
    const chosen = Number(values.quantity);
    const { added } = await addToCart(product.id, chosen);
    return [confirmation(product.name, chosen, added), ' ', el('a', { href: cartHash }, 'View your cart')];
  });
  return el('div', { id: 'add-to-cart-panel', class: 'add-to-cart-panel' }, form);
}

// A cart line holds at most MAX_QUANTITY, so fewer than chosen may have fitted.
function confirmation(name, chosen, added) {
  if (added === chosen) return `Added ${added} × ${name} to your cart.`;
  const full = `${MAX_QUANTITY} is the most one cart line can hold`;
  return added > 0
    ? `Added ${added} × ${name} to your cart; ${full}.`
    : `Your cart already holds ${MAX_QUANTITY} × ${name}; ${full}.`;
}
