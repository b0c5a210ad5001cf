import { logIn } from '../api.js';
import { el } from '../dom.js';
import { field, formMessage, onSubmit } from '../forms.js';
import { signUpHash } from '../routes.js';
import { takeNotice } from '../session.js';

// Log in, then go back to returnHash: the page the shopper was on before coming here.
export async function signInView(returnHash) {
  const form = el('form', { id: 'sign-in-form', class: 'stacked-form', novalidate: true },
    field({ id: 'sign-in-email', name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true }),
    field({ id: 'sign-in-password', name: 'password', label: 'Password', type: 'password',
      autocomplete: 'current-password', required: true }),
    formMessage(takeNotice()),
    el('button', { type: 'submit' }, 'Sign in'));
  onSubmit(form, async ({ email, password }) => {
    await logIn({ email: email.trim(), password });
    location.hash = returnHash;
  });

  return {
    title: 'Sign in',
    node: el('div', { class: 'form-page' },
      el('h1', { tabindex: -1 }, 'Sign in'),
      form,
      el('p', { class: 'form-switch' }, 'New to Fig & Co.? ', el('a', { href: signUpHash }, 'Create an account'))),
  };
}
