import { getCategories, getProduct, getRecommendations } from '../api.js';
import { el } from '../dom.js';
import { formatPrice, formatWeight } from '../format.js';
import { catalogHash, productHash } from '../routes.js';
import { addToCartPanel } from './add-to-cart.js';

// One product. backHref is the catalogue state the shopper came from, so paging and search survive.
export async function productView(id, backHref) {
  const [product, categories] = await Promise.all([
    getProduct(id),
    getCategories().catch(() => []), // without names the page still works, showing the slug
  ]);
  const categoryName = categories.find((c) => c.slug === product.category)?.name ?? product.category;

  return {
    title: product.name,
    node: el('div', { class: 'product-page' },
      el('a', { class: 'back-link', href: backHref },
        el('span', { 'aria-hidden': 'true' }, '← '), 'Back to results'),
      el('article', { class: 'product-detail' },
        el('img', { src: product.imageUrl, alt: product.name, width: 400, height: 300 }),
        el('div', { class: 'product-info' },
          el('p', { id: 'product-category', class: 'eyebrow' },
            el('a', { href: catalogHash({ category: product.category }) }, categoryName)),
          el('h1', { id: 'product-name', tabindex: -1 }, product.name),
          el('p', { id: 'product-price', 'data-price-cents': product.priceCents },
            formatPrice(product.priceCents, product.currency)),
          el('p', { id: 'product-description' }, product.description),
          el('dl', { class: 'product-facts' },
            el('dt', {}, 'Weight'), el('dd', { id: 'product-weight' }, formatWeight(product.weightGrams)),
            el('dt', {}, 'SKU'), el('dd', {}, product.sku)))),
      el('section', { id: 'product-extras' }, addToCartPanel(product), alsoBought(product.id))),
  };
}

// Filled once recommendations answer; stays hidden when they have nothing or are down.
function alsoBought(productId) {
  const block = el('section', { id: 'also-bought', class: 'also-bought', hidden: true,
    'aria-labelledby': 'also-bought-heading' });
  getRecommendations(productId).then((products) => {
    if (!Array.isArray(products) || products.length === 0) return;
    block.replaceChildren(
      el('h2', { id: 'also-bought-heading' }, 'Customers also bought'),
      el('ul', {}, ...products.map((product) => el('li', { 'data-product-id': product.id },
        el('a', { href: productHash(product.id) }, product.name), ' ',
        el('span', { class: 'also-bought-price' }, formatPrice(product.priceCents, product.currency))))));
    block.hidden = false;
  });
  return block;
}
