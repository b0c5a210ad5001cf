import { logIn, register } from '../api.js';
import { el } from '../dom.js';
import { field, formMessage, onSubmit } from '../forms.js';
import { signInHash } from '../routes.js';

// Create an account and sign straight in, then go back to returnHash like signing in does.
export async function signUpView(returnHash) {
  const form = el('form', { id: 'sign-up-form', class: 'stacked-form', novalidate: true },
    field({ id: 'sign-up-name', name: 'name', label: 'Name', autocomplete: 'name', required: true }),
    field({ id: 'sign-up-email', name: 'email', label: 'Email', type: 'email', autocomplete: 'email', required: true }),
    field({ id: 'sign-up-password', name: 'password', label: 'Password', type: 'password',
      autocomplete: 'new-password', required: true, minlength: 8, hint: 'At least 8 characters.' }),
    formMessage(),
    el('button', { type: 'submit' }, 'Create account'));
  onSubmit(form, async ({ name, email, password }) => {
    const account = await register({ name: name.trim(), email: email.trim(), password });
    await logIn({ email: account.email, password });
    location.hash = returnHash;
  });

  return {
    title: 'Create account',
    node: el('div', { class: 'form-page' },
      el('h1', { tabindex: -1 }, 'Create your account'),
      form,
      el('p', { class: 'form-switch' }, 'Already have an account? ', el('a', { href: signInHash }, 'Sign in'))),
  };
}
