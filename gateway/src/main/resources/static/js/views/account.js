import { addressFields, isBlank, readAddress } from '../address.js';
import { getProfile, updateProfile } from '../api.js';
import { el } from '../dom.js';
import { field, formMessage, onSubmit } from '../forms.js';
import { ordersHash, signInHash } from '../routes.js';
import { currentSession } from '../session.js';

// The signed-in shopper's profile: who they are, and the name and shipping address they can change.
export async function accountView() {
  if (!currentSession()) return { redirect: signInHash };
  const profile = await getProfile();
  const address = profile.address ?? {};
  const shownName = el('dd', { id: 'account-name' }, profile.name);

  const form = el('form', { id: 'profile-form', class: 'stacked-form', novalidate: true },
    el('h2', {}, 'Your details'),
    field({ id: 'profile-name', name: 'name', label: 'Name', autocomplete: 'name', required: true, value: profile.name }),
    el('fieldset', {},
      el('legend', {}, 'Shipping address'),
      ...addressFields({ idPrefix: 'address', namePrefix: 'address', address })),
    formMessage(),
    el('button', { type: 'submit' }, 'Save'));
  onSubmit(form, async (values) => {
    const saved = await updateProfile(profileUpdate(values));
    shownName.textContent = saved.name;
    return 'Saved.';
  });

  return {
    title: 'Your account',
    node: el('div', { class: 'account-page' },
      el('h1', { tabindex: -1 }, 'Your account'),
      el('dl', { class: 'account-summary' },
        el('dt', {}, 'Name'), shownName,
        el('dt', {}, 'Email'), el('dd', { id: 'account-email' }, profile.email)),
      el('p', { class: 'account-links' }, el('a', { id: 'account-orders', href: ordersHash }, 'Your orders')),
      form),
  };
}

// A shopper may keep no address at all, so a form left entirely blank clears it instead of
// failing on four required fields.
function profileUpdate(values) {
  const address = readAddress(values, 'address');
  return { name: values.name.trim(), address: isBlank(address) ? null : address };
}
