// The signed-in shopper's session: the login token, when it expires, and the name the header shows.
// It lives in localStorage so it survives reloads and is shared by tabs; no other module touches
// that storage. A session starts at login, may learn the shopper's name, and ends at sign-out,
// at its expiry time, or when the server refuses its token (sessionEnded).
import { signInHash } from './routes.js';

const STORAGE_KEY = 'figco.session';
const listeners = new Set();
let notice = ''; // shown once by the sign-in page, to say why the shopper landed there

export function currentSession() {
  const session = read();
  return session && Date.parse(session.expiresAt) > Date.now() ? session : null;
}

export function startSession({ token, expiresAt }) {
  write({ token, expiresAt, name: '' });
}

export function rememberName(name) {
  const session = currentSession();
  if (session && session.name !== name) write({ ...session, name });
}

export function endSession() {
  write(null);
}

// The server refused the token (expired, revoked, or signed with a retired key): forget it and
// ask the shopper to sign in again.
export function sessionEnded() {
  endSession();
  askToSignIn('Your session has ended. Please sign in again.');
}

// Sends the shopper to the sign-in page, which shows why; signing in brings them back (app.js).
export function askToSignIn(reason) {
  notice = reason;
  location.hash = signInHash;
}

export function takeNotice() {
  const text = notice;
  notice = '';
  return text;
}

export function onSessionChange(listener) {
  listeners.add(listener);
}

function read() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null; // storage blocked by the browser, or not our JSON: treat as signed out
  }
}

function write(session) {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

// Signing in or out in another tab changes this tab's header too.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY || event.key === null) listeners.forEach((listener) => listener());
});
