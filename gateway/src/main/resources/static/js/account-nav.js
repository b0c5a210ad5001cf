import { el } from './dom.js';
import { accountHash, signInHash, signUpHash } from './routes.js';
import { currentSession, endSession, onSessionChange } from './session.js';

// The header's account links, rebuilt whenever the session starts, ends or learns the name.
// Later header links (the cart) belong in links() too, so one rebuild keeps them all in step.
export function showAccountNav(nav) {
  const render = () => nav.replaceChildren(...links());
  onSessionChange(render);
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
  return [el('a', { id: 'nav-account', href: accountHash }, session.name || 'Your account'), signOut];
}
