// Fetch wrapper for the gateway. Every failure, including an unreachable network and the
// gateway's 503 fallback, becomes an ApiError whose message can be shown to a shopper as is.
// Calls carry the session's bearer token when there is one. A feature that keeps state of its
// own (cart.js) calls request() for its endpoints itself.
import { currentSession, rememberName, sessionEnded, startSession } from './session.js';

export class ApiError extends Error {
  // fieldErrors: the [{field, message}] list of a 400, so forms can show each next to its input.
  // problem: the problem+json body as sent, for a caller that must tell apart who answered.
  constructor(status, message, fieldErrors = [], problem = {}) {
    super(message);
    this.status = status;
    this.fieldErrors = fieldErrors;
    this.problem = problem;
  }
}

const DEFAULT_MESSAGES = {
  0: 'We can’t reach the shop right now. Check your connection and try again.',
  401: 'Please sign in to continue.',
  404: 'We couldn’t find what you were looking for.',
  503: 'This part of the shop is taking a short break. Please try again in a moment.',
};

// asGuest is for logging in and signing up: they never send a token, because a stale one would
// be refused before the password is even looked at, and their 401 means a wrong password, not
// an ended session. An answer in another type than JSON (accept) comes back as a Blob.
export async function request(path, {
  method = 'GET', body, headers: extraHeaders = {}, accept = 'application/json', messages = {}, asGuest = false,
} = {}) {
  const headers = { Accept: accept, ...extraHeaders };
  const token = asGuest ? null : currentSession()?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, DEFAULT_MESSAGES[0]);
  }
  if (response.ok) {
    if (response.status === 204) return null;
    return accept === 'application/json' ? response.json() : response.blob();
  }
  const problem = await response.json().catch(() => ({})); // a proxy error page may not be JSON
  if (response.status === 401 && !asGuest) sessionEnded();
  throw new ApiError(response.status, messages[response.status] ?? describe(response.status, problem),
    Array.isArray(problem.errors) ? problem.errors : [], problem);
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
  return request(`/api/catalog/products?${params}`);
}

export function getProduct(id) {
  return request(`/api/catalog/products/${encodeURIComponent(id)}`, {
    messages: { 404: 'We couldn’t find that product. It may have been removed from the shop.' },
  });
}

// Categories rarely change, so one request serves the whole visit; a failed one is retried.
let categories;
// "Customers also bought": an empty list whenever recommendations cannot answer, so the product
// page renders without the block instead of failing.
export function getRecommendations(productId) {
  return request(`/api/recommendations?productId=${encodeURIComponent(productId)}&limit=4`).catch(() => []);
}

export function getCategories() {
  categories ??= request('/api/catalog/categories').catch((error) => {
    categories = undefined;
    throw error;
  });
  return categories;
}

export function register({ email, password, name }) {
  return request('/api/profiles/register', {
    method: 'POST',
    body: { email, password, name },
    asGuest: true,
    messages: { 409: 'An account with this email already exists. Sign in instead, or use another email.' },
  });
}

// Starts the session, then fetches the profile so the header can greet the shopper by name.
export async function logIn({ email, password }) {
  startSession(await request('/api/profiles/login', {
    method: 'POST',
    body: { email, password },
    asGuest: true,
    messages: { 401: 'Email or password is wrong.' },
  }));
  // Without the name the shopper is still signed in; the header then says "Your account".
  await getProfile().catch(() => {});
}

// Both profile calls refresh the name in the header, so it never lags behind the profile.
export async function getProfile() {
  const profile = await request('/api/profiles/me');
  rememberName(profile.name);
  return profile;
}

export async function updateProfile({ name, address }) {
  const profile = await request('/api/profiles/me', { method: 'PUT', body: { name, address } });
  rememberName(profile.name);
  return profile;
}

// items: [{productId, quantity}]. Public: a quote needs no account.
export function quoteShipping(address, items) {
  return request('/api/shipping/quotes', { method: 'POST', body: { address, items } });
}
