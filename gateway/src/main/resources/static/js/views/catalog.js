import { getCategories, listProducts } from '../api.js';
import { el } from '../dom.js';
import { countLabel, formatPrice } from '../format.js';
import { catalogHash, productHash } from '../routes.js';

const PAGE_SIZE = 12;

// Home page for one search/filter/page state: category chips, a status line, the grid and paging.
export async function catalogView(state) {
  const { q, category, page } = state;
  const [categories, result] = await Promise.all([
    getCategories(),
    listProducts({ q, category, page: page - 1, size: PAGE_SIZE }),
  ]);
  const categoryName = categories.find((c) => c.slug === category)?.name;
  const totalPages = Math.max(1, Math.ceil(result.total / result.size));
  const title = q ? `Results for “${q}”${categoryName ? ` in ${categoryName}` : ''}` : categoryName ?? 'All products';

  return {
    title,
    node: el('div', { class: 'catalog' },
      el('h1', { tabindex: -1 }, title),
      categoryNav(categories, q, category),
      el('p', { id: 'results-status', role: 'status' }, statusText(result.total, q)),
      result.items.length ? productGrid(result.items) : emptyResults(state, result.total),
      result.total > 0 ? paging(state, totalPages) : ''),
  };
}

function categoryNav(categories, q, selected) {
  const links = [{ slug: '', name: 'All' }, ...categories].map(({ slug, name }) => {
    const active = slug === selected;
    return el('li', {},
      el('a', {
        class: active ? 'category-link active' : 'category-link',
        href: catalogHash({ q, category: slug }),
        'data-slug': slug,
        'aria-current': active ? 'page' : null,
      }, name));
  });
  return el('nav', { class: 'categories', 'aria-label': 'Categories' }, el('ul', {}, ...links));
}

function statusText(total, q) {
  if (total === 0) return q ? `No products match “${q}”` : 'No products here yet';
  return q ? `${countLabel(total, 'product')} found for “${q}”` : countLabel(total, 'product');
}

function productGrid(products) {
  return el('ul', { class: 'product-grid' }, ...products.map((product) => el('li', {}, productCard(product))));
}

// The name link stretches over the whole card (see CSS), so the image can keep its own alt text
// without repeating the name inside the link.
function productCard(product) {
  return el('article', { class: 'product-card' },
    el('img', { src: product.imageUrl, alt: product.name, width: 400, height: 300, loading: 'lazy' }),
    el('h2', { class: 'product-name' },
      el('a', { class: 'product-link', href: productHash(product.id) }, product.name)),
    el('p', { class: 'product-price', 'data-price-cents': product.priceCents },
      formatPrice(product.priceCents, product.currency)));
}

// Either nothing matched, or the hash points past the last page (an old link, a hand-edited URL).
function emptyResults({ q, category }, total) {
  const [hint, link] = total > 0
    ? ['There is nothing on this page.', el('a', { href: catalogHash({ q, category }) }, 'Go to the first page')]
    : ['Try a different word, or browse everything we sell.', el('a', { href: '#/' }, 'Browse all products')];
  return el('div', { class: 'empty-results' }, el('p', {}, hint), link);
}

function paging(state, totalPages) {
  const goTo = (page) => () => { location.hash = catalogHash({ ...state, page }); };
  const previous = el('button', { type: 'button', id: 'prev-page', disabled: state.page <= 1 },
    el('span', { 'aria-hidden': 'true' }, '← '), 'Previous');
  const next = el('button', { type: 'button', id: 'next-page', disabled: state.page >= totalPages },
    'Next', el('span', { 'aria-hidden': 'true' }, ' →'));
  previous.addEventListener('click', goTo(Math.min(state.page - 1, totalPages)));
  next.addEventListener('click', goTo(state.page + 1));
  return el('nav', { class: 'paging', 'aria-label': 'Pages' },
    previous, el('span', { id: 'page-info' }, `Page ${state.page} of ${totalPages}`), next);
}
