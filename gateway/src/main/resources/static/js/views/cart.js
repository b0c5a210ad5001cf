import { clearCart, itemCount, loadCart, MAX_QUANTITY, setQuantity } from '../cart.js';
import { el } from '../dom.js';
import { countLabel, formatPrice } from '../format.js';
import { failureMessage, showStatus } from '../forms.js';
import { checkoutHash, productHash, signInHash } from '../routes.js';
import { currentSession } from '../session.js';

// The signed-in shopper's cart: change quantities, remove a line or everything, go on to checkout.
// Every change answers with the whole cart, priced anew, and the lines are drawn again from it.
export async function cartView() {
  if (!currentSession()) return { redirect: signInHash };
  const heading = el('h1', { tabindex: -1 }, 'Your cart');
  const message = el('p', { id: 'cart-message', class: 'form-message', role: 'status' });
  const contents = el('div', { class: 'cart-contents' });
  let cart = await loadCart(); // the latest answer
  let latestChange = 0;

  const draw = () => redraw(contents, heading, cart.items.length ? [cartLines(cart), cartSummary(cart)] : [emptyCart()]);

  // Only the newest change is drawn: answers come in order (cart.js), so older ones are on the way there.
  async function change(call, done) {
    const changeId = ++latestChange;
    showStatus(message, 'notice');
    try {
      cart = await call();
      if (changeId === latestChange) {
        draw();
        showStatus(message, 'success', done);
      }
    } catch (error) {
      if (changeId === latestChange) draw(); // show what the cart really holds, not the failed change
      showStatus(message, 'error', failureMessage(error));
    }
  }

  const itemOf = (control) => {
    const id = control.closest('.cart-line').dataset.productId;
    return cart.items.find((item) => String(item.productId) === id);
  };

  contents.addEventListener('change', (event) => {
    const input = event.target;
    if (!input.matches('.cart-quantity')) return;
    const { productId, name } = itemOf(input);
    if (!input.validity.valid) {
      input.setAttribute('aria-invalid', 'true');
      showStatus(message, 'error', `Please enter a quantity from 0 to ${MAX_QUANTITY} for ${name}.`);
      return;
    }
    input.defaultValue = input.value; // sent: from now on a redraw shows the cart's answer, not this
    const quantity = Number(input.value);
    change(() => setQuantity(productId, quantity),
      quantity ? `Now ${quantity} × ${name} in your cart.` : `Removed ${name} from your cart.`);
  });

  contents.addEventListener('click', (event) => {
    const remove = event.target.closest('.cart-remove');
    if (remove) {
      const { productId, name } = itemOf(remove);
      change(() => setQuantity(productId, 0), `Removed ${name} from your cart.`);
    } else if (event.target.closest('#cart-clear')) {
      change(clearCart, 'Cleared your cart.');
    }
  });

  draw();
  return { title: 'Your cart', node: el('div', { class: 'cart-page' }, heading, message, contents) };
}

// Keeps keyboard focus on the same control of the same line, and a quantity the shopper is still
// typing there. When that control is gone (its line was removed), focus starts again at the heading.
function redraw(contents, heading, nodes) {
  const focused = contents.contains(document.activeElement) ? document.activeElement : null;
  const line = focused?.closest('.cart-line');
  let selector = focused?.id ? `#${focused.id}` : null;
  if (line) selector = `.cart-line[data-product-id="${line.dataset.productId}"] .${focused.classList[0]}`;
  const typing = focused?.matches('.cart-quantity') && focused.value !== focused.defaultValue ? focused.value : null;
  contents.replaceChildren(...nodes);
  if (!focused) return;
  const again = selector && contents.querySelector(selector);
  if (!again) {
    heading.focus();
    return;
  }
  if (typing !== null) again.value = typing;
  again.focus();
}

function cartLines({ items, currency }) {
  return el('ul', { class: 'cart-lines' }, ...items.map((item) => cartLine(item, currency)));
}

// The hidden words name the product, so "Quantity" and "Remove" make sense heard on their own.
function cartLine({ productId, name, quantity, priceCents }, currency) {
  const inputId = `cart-quantity-${productId}`;
  const lineCents = priceCents * quantity;
  return el('li', { class: 'cart-line', 'data-product-id': productId },
    el('div', { class: 'cart-line-product' },
      el('a', { class: 'cart-line-name', href: productHash(productId) }, name),
      el('p', { class: 'cart-unit-price', 'data-price-cents': priceCents }, `${formatPrice(priceCents, currency)} each`)),
    el('div', { class: 'cart-line-quantity' },
      el('label', { for: inputId }, 'Quantity', el('span', { class: 'visually-hidden' }, ` of ${name}`)),
      el('input', {
        id: inputId, class: 'cart-quantity', type: 'number', inputmode: 'numeric',
        min: 0, max: MAX_QUANTITY, step: 1, required: true, value: quantity,
      })),
    el('button', { type: 'button', class: 'cart-remove quiet-button' },
      'Remove', el('span', { class: 'visually-hidden' }, ` ${name}`)),
    el('p', { class: 'cart-line-total', 'data-total-cents': lineCents }, formatPrice(lineCents, currency)));
}

function cartSummary(cart) {
  return el('div', { class: 'cart-summary' },
    el('p', { class: 'cart-total-row' },
      el('span', {}, `Total (${countLabel(itemCount(cart), 'item')})`),
      el('strong', { id: 'cart-total', 'data-total-cents': cart.totalCents }, formatPrice(cart.totalCents, cart.currency))),
    el('div', { class: 'cart-actions' },
      el('button', { type: 'button', id: 'cart-clear', class: 'quiet-button' }, 'Clear cart'),
      el('a', { id: 'checkout', class: 'button-link', href: checkoutHash }, 'Checkout')));
}

function emptyCart() {
  return el('div', { id: 'cart-empty', class: 'empty-results' },
    el('p', {}, 'Your cart is empty.'),
    el('a', { href: '#/' }, 'Browse all products'));
}
