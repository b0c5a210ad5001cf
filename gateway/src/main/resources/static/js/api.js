// Fetch wrapper for the gateway. Every failure, including an unreachable network and the
// gateway's 503 fallback, becomes an ApiError whose message can be shown to a shopper as is.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const DEFAULT_MESSAGES = {
  0: 'We can’t reach the shop right now. Check your connection and try again.',
  404: 'We couldn’t find what you were looking for.',
  503: 'This part of the shop is taking a short break. Please try again in a moment.',
};

async function getJson(path, messages = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, DEFAULT_MESSAGES[0]);
  }
  if (response.ok) return response.json();
  const problem = await response.json().catch(() => ({})); // a proxy error page may not be JSON
  throw new ApiError(response.status, messages[response.status] ?? describe(response.status, problem));
}

function describe(status, problem) {
  if (DEFAULT_MESSAGES[status]) return DEFAULT_MESSAGES[status];
  if (status === 400 && problem.errors?.length) {
    return `Please check your request: ${problem.errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`;
  }
  if (status < 500 && problem.detail) return problem.detail;
  return `Something went wrong on our side (error ${status}). Please try again.`;
}

// Blank filters are left out rather than sent as "q=", which a server could read as a filter.
export function listProducts({ q, category, page, size }) {
  const params = new URLSearchParams({ page, size });
  if (q) params.set('q', q);
  if (category) params.set('category', category);
  return getJson(`/api/catalog/products?${params}`);
}

export function getProduct(id) {
  return getJson(`/api/catalog/products/${encodeURIComponent(id)}`, {
    404: 'We couldn’t find that product. It may have been removed from the shop.',
  });
}

// Categories rarely change, so one request serves the whole visit; a failed one is retried.
let categories;
export function getCategories() {
  categories ??= getJson('/api/catalog/categories').catch((error) => {
    categories = undefined;
    throw error;
  });
  return categories;
}
